"""Which handler runs each kind of job, wired with what it needs from settings."""

from __future__ import annotations

import uuid
from functools import partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from insignia.infra.email import Mailer, TemplateRenderer, build_message, sender_with_name
from insignia.infra.outbox import Attempt, Handler, OutboxEvent, enqueue
from insignia.infra.settings import Settings
from insignia.platform.branding import badges, mail
from insignia.platform.branding import brand as branding
from insignia.platform.credentials import badge_class, eligibility
from insignia.platform.engagement import points, rules
from insignia.platform.imports import service as imports
from insignia.platform.insights import export
from insignia.platform.learning.service import EVALUATE_KIND
from insignia.platform.openbadges import links
from insignia.platform.openbadges.ob2 import Urls
from insignia.platform.pathways import enrolment, pathway, progress, signals
from insignia.platform.skills import profile
from insignia.tenants import webhook
from insignia.tenants.models import Tenant
from insignia.tenants.person import EMAIL_KIND


def mailer_for(settings: Settings) -> Mailer:
    folder = settings.email_dir or (settings.data_dir / "mail" if settings.smtp_url is None else None)
    return Mailer(settings.smtp_url, Path(folder) if folder else None)


class EmailHandler:
    """``email.send``: render a template for the tenant and send it, in the recipient's language and
    their audience's brand (``insignia.platform.branding.mail``)."""

    def __init__(self, settings: Settings, mailer: Mailer, renderer: TemplateRenderer | None = None) -> None:
        self.settings = settings
        self.mailer = mailer
        self.renderer = renderer or TemplateRenderer()

    async def __call__(self, session: AsyncSession, event: OutboxEvent, _attempt: Attempt) -> None:
        payload = event.payload
        tenant = await session.scalar(select(Tenant).where(Tenant.id == event.tenant_id))
        if tenant is None:
            return  # the organisation is gone: nobody to write on behalf of
        award_id = payload.get("awardId")
        urls = Urls.for_tenant(self.settings.public_url, tenant)
        link = await links.link_for(session, urls, tenant.id, uuid.UUID(award_id) if award_id else None)
        context = {**payload.get("context", {}), "inviter_org": tenant.name, "sign_in_url": link}
        look = await mail.look_for(session, urls, tenant.id, payload["to"])
        rendered = self.renderer.render(payload["template"], context, locale=look.locale, look=look.look)
        domain = self.settings.email_from.rsplit("@", 1)[-1].rstrip(">") or "insignia.localhost"
        sender = sender_with_name(self.settings.email_from, look.sender_name)
        message = build_message(sender, payload["to"], rendered, f"<{event.id}@{domain}>", reply_to=look.reply_to)
        await self.mailer.send(message, str(event.id))


async def evaluate(session: AsyncSession, event: OutboxEvent, _attempt: Attempt) -> None:
    """``credential.evaluate``: award what the person's new completion, result or badge unlocks."""
    refs = [uuid.UUID(r) for r in event.payload["refs"]]
    await eligibility.evaluate_person(session, event.tenant_id, uuid.UUID(event.payload["personId"]), refs)


async def reevaluate(session: AsyncSession, event: OutboxEvent, _attempt: Attempt) -> None:
    """``credential.reevaluate``: after a rule change, one evaluation job per person with progress."""
    await eligibility.fan_out_reevaluation(session, event.tenant_id, uuid.UUID(event.payload["badgeClassId"]))


async def process_import(session: AsyncSession, event: OutboxEvent, _attempt: Attempt) -> None:
    """``import.process``: one chunk of a CSV import or bulk issue (it schedules the next)."""
    await imports.process_chunk(session, event.tenant_id, uuid.UUID(event.payload["importId"]), event.payload["offset"])


async def evaluate_pathways(session: AsyncSession, event: OutboxEvent, _attempt: Attempt) -> None:
    """``pathway.evaluate``: re-evaluate the person's enrolments (and goals) that the change touches."""
    refs = [uuid.UUID(r) for r in event.payload.get("refs", [])]
    await progress.evaluate_person(session, event.tenant_id, uuid.UUID(event.payload["personId"]), refs or None)


async def enrol_audience(session: AsyncSession, event: OutboxEvent, _attempt: Attempt) -> None:
    """``pathway.enrol_audience``: enrol an audience (or, for auto-enrolment, every allowed one)."""
    audience = event.payload.get("audienceId")
    await enrolment.enrol_audience(
        session,
        uuid.UUID(event.payload["pathwayId"]),
        uuid.UUID(audience) if audience else None,
        event.payload.get("actor", "auto"),
    )


async def refresh_skills(session: AsyncSession, event: OutboxEvent, _attempt: Attempt) -> None:
    """``skills.refresh``: a badge class's skills or levels changed; rebuild its holders' profiles."""
    await profile.refresh_holders(session, uuid.UUID(event.payload["badgeClassId"]))


async def export_report(session: AsyncSession, event: OutboxEvent, _attempt: Attempt) -> None:
    """``report.export``: build a report's CSV with the requester's rights as they are now."""
    await export.run_export(session, uuid.UUID(event.payload["exportId"]))


async def reconcile_points(session: AsyncSession, event: OutboxEvent, _attempt: Attempt) -> None:
    """``engagement.reconcile``: re-count expired awards' points in chunks (each schedules the next)."""
    after = event.payload.get("after")
    last = await points.reconcile_expired_chunk(session, event.tenant_id, uuid.UUID(after) if after else None)
    if last is not None:
        await enqueue(session, event.tenant_id, rules.RECONCILE_KIND, {"after": str(last)})


async def recompute_points(session: AsyncSession, event: OutboxEvent, _attempt: Attempt) -> None:
    """``engagement.recompute``: rebuild the point totals from the ledger."""
    await points.recompute(session, event.tenant_id)


async def rerender_badges(session: AsyncSession, event: OutboxEvent, _attempt: Attempt, *, settings: Settings) -> None:
    """``branding.rerender``: redraw the badge designs that follow a brand that changed (a batch a
    job; each schedules the next)."""
    tenant = await session.scalar(select(Tenant).where(Tenant.id == event.tenant_id))
    if tenant is None:
        return
    audience, after = event.payload.get("audienceId"), event.payload.get("after")
    await badges.rerender(
        session,
        Urls.for_tenant(settings.public_url, tenant),
        tenant,
        uuid.UUID(audience) if audience else None,
        uuid.UUID(after) if after else None,
    )


def build_handlers(settings: Settings) -> dict[str, Handler]:
    config = webhook.WebhookConfig.from_settings(settings)
    return {
        webhook.PUBLISH_KIND: partial(webhook.fan_out, config=config),
        webhook.DELIVER_KIND: partial(webhook.deliver, config=config),
        EMAIL_KIND: EmailHandler(settings, mailer_for(settings)),
        branding.RERENDER_KIND: partial(rerender_badges, settings=settings),
        EVALUATE_KIND: evaluate,
        eligibility.REEVALUATE_KIND: reevaluate,
        imports.PROCESS_KIND: process_import,
        signals.EVALUATE_KIND: evaluate_pathways,
        pathway.ENROL_AUDIENCE_KIND: enrol_audience,
        rules.RECONCILE_KIND: reconcile_points,
        points.RECOMPUTE_KIND: recompute_points,
        badge_class.REFRESH_SKILLS_KIND: refresh_skills,
        export.EXPORT_KIND: export_report,
    }

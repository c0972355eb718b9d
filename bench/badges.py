"""Badge designs: renders per second (SVG, PNG, Open Graph card), the PNG renderer's fidelity
against Chromium, and the time to redraw a tenant's badge classes after a branding change.

    .venv/bin/python -m bench.badges [--renders 200] [--badges 500] [--no-browser]

Renders: the designer's SVG (shaping, fitting, outlining) and its rasterisation by resvg through
the ``resvg`` binding (what Insignia uses) and by the candidates it was chosen over: resvg through
``resvg-py``, and CairoSVG (on the system's libcairo); in this process, over a mix of shapes,
icons, scripts and title lengths. Fidelity: the same SVGs rasterised by each
renderer and by Chromium (Debian's, through Playwright), compared pixel by pixel with Chromium's
(mean channel difference, and the share of pixels differing by more than 24 of 255). Redraw: a
throwaway database with a tenant whose badge classes all have designs following its brand; the
admin changes the primary colour and the real relay and job processor redraw every design (SVG,
600 px PNG and 1200 x 630 card). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bench._common import APP, SECRET, create_database, drop_database, run
from insignia.infra.db import Database, create_engine, set_tenant
from insignia.infra.settings import Settings
from insignia.platform.branding import badges, brand, render
from insignia.platform.branding.design import Design, Palette, Shape, render_svg
from insignia.platform.branding.models import BadgeDesignRow
from insignia.platform.branding.text import Typography
from insignia.platform.credentials.models import BadgeClass
from insignia.platform.openbadges.ob2 import Urls
from insignia.tenants.auth import person_principal
from insignia.tenants.tenant import create_tenant
from insignia.workers.dispatch import InlineDispatcher
from insignia.workers.relay import Relay
from insignia.workers.runtime import build_processor

CHROMIUM = "/usr/bin/chromium"
TITLES = [
    "Safety Champion",
    "Advanced Occupational Health and Safety Leadership for Distribution Centres",
    "Ασφάλεια Εργασίας",
    "Безопасность на складе",
    "Arbeitssicherheitsbeauftragter",
    "Data",
]
ICONS = ["shield-check", "trophy", "chart", "star", "rocket", None]


def designs(count: int) -> list[tuple[Design, Palette]]:
    shapes = list(Shape)
    out = []
    for i in range(count):
        design = Design(
            shape=shapes[i % len(shapes)],
            title=TITLES[i % len(TITLES)],
            subtitle="Warehouse operations" if i % 3 == 0 else None,
            level="Level 2" if i % 4 == 1 else None,
            icon=ICONS[i % len(ICONS)],
        )
        out.append((design, Palette("#0b7a75", "#f2a900", list(Typography)[i % 3])))
    return out


def per_second(label: str, count: int, work: Callable[[int], object]) -> float:
    started = time.perf_counter()
    for i in range(count):
        work(i)
    elapsed = time.perf_counter() - started
    print(f"  {label:<44} {count / elapsed:8.1f}/s  ({elapsed / count * 1000:6.1f} ms each)")
    return elapsed / count


def _candidates() -> dict[str, Callable[[str], bytes]]:
    """The renderers considered besides the one in use (each if installed: dev dependencies)."""
    found: dict[str, Callable[[str], bytes]] = {}
    try:
        import resvg_py

        found["resvg (resvg-py)"] = lambda svg: bytes(resvg_py.svg_to_bytes(svg_string=svg, skip_system_fonts=True))
    except ImportError as exc:
        print(f"  resvg-py not measured: {exc}")
    try:
        import cairosvg

        found["CairoSVG"] = lambda svg: bytes(cairosvg.svg2png(bytestring=svg.encode()))
    except (ImportError, OSError) as exc:  # OSError: the system's libcairo is missing
        print(f"  CairoSVG not measured: {exc}")
    return found


def renders(count: int) -> list[str]:
    print(f"Renders per second, one process ({count} designs: 5 shapes, 3 type families, Latin/Greek/Cyrillic):")
    mix = designs(count)
    for design, palette in mix[:6]:
        render.png(render_svg(design, palette))  # warm the font caches and the renderer
    svgs: list[str] = []
    per_second("SVG (shape, fit, outline)", count, lambda i: svgs.append(render_svg(*mix[i])))
    per_second("PNG 600x600, resvg (resvg binding, in use)", count, lambda i: render.png(svgs[i]))
    per_second("Open Graph 1200x630 (SVG + resvg)", count, lambda i: render.og_png(*mix[i], "Acme", "Verified"))
    for name, draw in _candidates().items():
        per_second(f"PNG 600x600, {name}", count, lambda i, draw=draw: draw(svgs[i]))
    return svgs


def _difference(reference: bytes, other: bytes) -> tuple[float, float]:
    """(mean channel difference 0-255, share of pixels with a channel off by more than 24)."""
    a = Image.open(io.BytesIO(reference)).convert("RGB")
    b = Image.open(io.BytesIO(other)).convert("RGB").resize(a.size)
    bands = ImageChops.difference(a, b).split()
    mean = statistics.fmean(statistics.fmean(band.get_flattened_data()) for band in bands)
    changed = bands[0].point(lambda v: 255 if v > 24 else 0)
    for band in bands[1:]:
        changed = ImageChops.lighter(changed, band.point(lambda v: 255 if v > 24 else 0))
    return mean, changed.histogram()[255] / (a.width * a.height)


async def fidelity(svgs: list[str], have_browser: bool) -> None:
    if not have_browser:
        print(f"Fidelity not measured: no browser at {CHROMIUM}")
        return
    from playwright.async_api import async_playwright

    print(f"Fidelity against Chromium ({len(svgs)} designs, 600x600 on white):")
    candidates = {"resvg (resvg binding)": render.png, **_candidates()}
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in candidates}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page(viewport={"width": 600, "height": 600})
        for svg in svgs:
            await page.set_content(f'<html><body style="margin:0;background:#fff">{svg}</body></html>')
            reference = await page.screenshot(clip={"x": 0, "y": 0, "width": 600, "height": 600})
            for name, draw in candidates.items():
                results[name].append(_difference(reference, _on_white(draw(svg))))
        await browser.close()
    for name, found in results.items():
        mean = statistics.fmean(m for m, _ in found)
        share = statistics.fmean(s for _, s in found)
        print(f"  {name:<22} mean channel difference {mean:5.2f}/255, pixels off by >24: {share:6.2%}")


def _on_white(png: bytes) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    flat = Image.new("RGBA", image.size, "white")
    flat.alpha_composite(image)
    out = io.BytesIO()
    flat.convert("RGB").save(out, "PNG")
    return out.getvalue()


async def redraw(count: int) -> None:
    name = f"insignia_bench_badges_{uuid.uuid4().hex[:8]}"
    owner_url = await create_database(name)
    owner = Database(create_engine(owner_url, pool_size=2))
    app = Database(create_engine(make_url(owner_url).set(username=APP), pool_size=4))
    try:
        async with owner.session() as s:
            tenant, admin = await create_tenant(s, slug="bench-badges", name="Bench Badges", admin_email="a@b.example")
            await set_tenant(s, tenant.id)
            urls = Urls.for_tenant("http://127.0.0.1:8000", tenant)
            current = await brand.resolve(s, urls, tenant.id, None)
            mix = designs(count)
            started = time.perf_counter()
            for i, (design, _palette) in enumerate(mix):
                badge_id = uuid.uuid4()
                await s.execute(
                    insert(BadgeClass).values(
                        tenant_id=tenant.id, id=badge_id, name=f"Badge {i:04d}", description="Bench.",
                        criteria={"mode": "all_of", "requirements": []}, criteria_refs=[],
                    )
                )  # fmt: skip
                drawn = badges.draw(design, current, tenant.name)
                await s.execute(
                    insert(BadgeDesignRow).values(
                        tenant_id=tenant.id, badge_class_id=badge_id, design=design.to_json(), follows_brand=True,
                        svg=drawn.svg, png=drawn.png, og_png=drawn.og_png, brand_key=current.design_key,
                    )
                )  # fmt: skip
            await s.commit()
            print(f"Redraw: {count} badge classes designed and drawn in {time.perf_counter() - started:.1f} s")
            await set_tenant(s, tenant.id)
            principal = person_principal(admin)
            started = time.perf_counter()
            changed = await brand.update_tenant_branding(s, principal, urls, brand.BrandChanges({"color": "#c2185b"}))
            await s.commit()
        settings = Settings(
            env="test", secret_key=SECRET, email_dir=Path(tempfile.gettempdir()) / "insignia-bench-mail"
        )
        dispatcher = InlineDispatcher(build_processor(settings, app), concurrency=2)
        relay = Relay(app, dispatcher, batch=100, visibility_seconds=300, poll_seconds=0.05)
        while True:
            await relay.run_once()
            await dispatcher.drain()
            async with owner.session() as s:
                await set_tenant(s, tenant.id)
                left = await s.scalar(
                    select(func.count())
                    .select_from(BadgeDesignRow)
                    .where(BadgeDesignRow.brand_key != changed.design_key)
                )
            if not left:
                break
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        print(
            f"  after a branding change, all {count} redrawn by the job in {elapsed:.1f} s "
            f"({count / elapsed:.1f} badge classes/s: SVG, 600 px PNG and Open Graph card each)"
        )
    finally:
        await app.dispose()
        await owner.dispose()
        await drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--badges", type=int, default=500)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    svgs = renders(args.renders)
    if not args.no_browser:
        run(fidelity(svgs[:12], Path(CHROMIUM).exists()))
    run(redraw(args.badges))


if __name__ == "__main__":
    main()

"""The GraphQL schema: root types from each area, limits, caches and error handling."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import strawberry
from graphql import ASTValidationRule, DirectiveNode, GraphQLError, ValidationContext
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from insignia.graphql.audit.queries import AuditQueries
from insignia.graphql.branding.schema import BrandingMutations, BrandingQueries
from insignia.graphql.context import Context
from insignia.graphql.credentials.mutations import CredentialMutations, SigningKeyMutations
from insignia.graphql.credentials.queries import CredentialQueries
from insignia.graphql.engagement.schema import EngagementMutations, EngagementQueries
from insignia.graphql.ids import parse_global_id
from insignia.graphql.imports.schema import ImportMutations, ImportQueries
from insignia.graphql.insights.schema import InsightsMutations, InsightsQueries
from insignia.graphql.jobs.queries import JobMutations, JobQueries
from insignia.graphql.learning.schema import LearningMutations, LearningQueries
from insignia.graphql.node import NODE_RESOLVERS, Node
from insignia.graphql.operations import OperationControl
from insignia.graphql.pathways.schema import PathwayMutations, PathwayQueries
from insignia.graphql.skills.schema import SkillsMutations, SkillsQueries
from insignia.graphql.sso.schema import SsoMutations, SsoQueries
from insignia.graphql.tenants.mutations import TenantMutations
from insignia.graphql.tenants.queries import TenantQueries
from insignia.graphql.webhooks.schema import WebhookMutations, WebhookQueries
from insignia.infra.errors import ServiceError
from insignia.infra.logging import request_id_var
from insignia.infra.settings import Settings

logger = logging.getLogger("insignia.graphql")


@strawberry.type
class Query(
    TenantQueries,
    LearningQueries,
    CredentialQueries,
    ImportQueries,
    WebhookQueries,
    JobQueries,
    SsoQueries,
    AuditQueries,
    PathwayQueries,
    EngagementQueries,
    SkillsQueries,
    BrandingQueries,
    InsightsQueries,
):
    @strawberry.field(description="Any object by its global id; null if it does not exist or is not yours to see.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        parsed = parse_global_id(id)
        if parsed is None:
            return None
        resolver = NODE_RESOLVERS.get(parsed[0])
        if resolver is None:
            return None
        result: Node | None = await resolver(info.context, parsed[1])
        return result


@strawberry.type
class Mutation(
    TenantMutations,
    LearningMutations,
    CredentialMutations,
    ImportMutations,
    SigningKeyMutations,
    WebhookMutations,
    JobMutations,
    SsoMutations,
    PathwayMutations,
    EngagementMutations,
    SkillsMutations,
    BrandingMutations,
    InsightsMutations,
):
    pass


def _max_directives_rule(limit: int) -> type[ASTValidationRule]:
    class MaxDirectives(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.count = 0

        def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
            self.count += 1
            if self.count == limit + 1:
                self.report_error(GraphQLError(f"The document uses more than {limit} directives.", node))

    return MaxDirectives


class ErrorHandling(SchemaExtension):
    """Expected errors keep their message and gain ``code``/``field``; anything else is masked and logged."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if not errors:
            return
        processed: list[GraphQLError] = []
        for error in errors:
            original = error.original_error
            if original is None or isinstance(original, GraphQLError):
                # Syntax, validation and variable coercion errors: about the client's input, safe to show.
                error.extensions = {"code": "GRAPHQL_VALIDATION_FAILED", **(error.extensions or {})}
                processed.append(error)
            elif isinstance(original, ServiceError):
                error.extensions = {"code": original.code, "field": original.field}
                processed.append(error)
            else:
                request_id = request_id_var.get()
                logger.error("unexpected error in GraphQL operation", exc_info=original)
                processed.append(
                    GraphQLError(
                        "Unexpected error.",
                        nodes=error.nodes,
                        path=error.path,
                        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                    )
                )
        result.errors = processed  # type: ignore[union-attr]


class InsigniaSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # ErrorHandling logs what deserves it (with the request id); validation errors are the client's.
        return None


def build_schema(settings: Settings) -> strawberry.Schema:
    # Extensions are given as factories (strawberry builds them per request). The validation-rule
    # extensions are stateless, so one instance of each is shared: the validation cache keys on
    # the rules, and fresh rule classes per request would make it miss every time. With the parse
    # and validation caches, a small query costs ~0.15 ms there instead of ~1.8 ms.
    depth = QueryDepthLimiter(max_depth=settings.graphql_max_depth)
    aliases = MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases)
    directives = AddValidationRules([_max_directives_rule(settings.graphql_max_directives)])
    extensions: list[Any] = [
        ErrorHandling,
        OperationControl,
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: depth,
        lambda: aliases,
        lambda: directives,
    ]
    if not settings.development:
        extensions.append(DisableIntrospection)
    return InsigniaSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not settings.development),
    )

"""Per GraphQL operation: its cost (refused over the limit), the rate-limit points it takes,
metrics by operation, and the operation's name and type on the request's trace.

Every request takes at least one point, also when it fails to parse or validate; an operation
that runs takes ``points_for(cost)``. A request that finds a bucket short is answered ``429``
with ``Retry-After``; every answer carries ``RateLimit-Policy`` and ``RateLimit``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from insignia.graphql.context import Context
from insignia.graphql.cost import cached_operation_cost, operation_cost, points_for
from insignia.infra import metrics, tracing
from insignia.infra.ratelimit import Decision


class OperationControl(SchemaExtension):
    def __init__(self, *, execution_context: Any = None) -> None:
        self.cost: int | None = None
        self.max_cost: int | None = None
        self.points: int | None = None
        self.outcome = "ok"
        self.charged = False
        self.started = 0.0

    async def on_operation(self) -> AsyncIterator[None]:
        self.started = time.perf_counter()
        yield
        context = self.execution_context.context
        if not self.charged and isinstance(context, Context):
            # Requests that never ran (bad documents, refused costs) are not free either.
            await self._take(context, 1)
        result = self.execution_context.result
        if self.outcome == "ok" and getattr(result, "errors", None):
            self.outcome = "error"
        try:
            kind = self.execution_context.operation_type.value
        except RuntimeError:
            kind = "unknown"  # the document did not parse, or named no operation it has
        metrics.record_graphql_operation(
            self.execution_context.operation_name, kind, self.outcome, time.perf_counter() - self.started, self.cost
        )

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if not isinstance(context, Context):
            yield
            return
        kind = execution.operation_type.value
        tracing.annotate({"graphql.operation.name": execution.operation_name or "", "graphql.operation.type": kind})
        self.max_cost = context.limits.max_cost if context.limits is not None else None
        if self.max_cost is not None or context.rate_buckets:
            assert execution.graphql_document is not None
            # strawberry keeps graphql-core's schema as `_schema`; the cost walks its types.
            schema = execution.schema._schema
            document = execution.graphql_document
            if execution.query is not None:
                self.cost = cached_operation_cost(
                    schema, execution.query, document, execution.operation_name, execution.variables
                )
            else:
                self.cost = operation_cost(schema, document, execution.operation_name, execution.variables)
        if self.cost is not None and self.max_cost is not None and self.cost > self.max_cost:
            self.outcome = "cost_limited"
            execution.result = GraphQLExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        f"This operation costs {self.cost}, over the limit of {self.max_cost}: ask for fewer "
                        "items per list (first/last), fewer nested lists, or split it into several requests.",
                        extensions={"code": "COST_LIMIT_EXCEEDED", "cost": self.cost, "limit": self.max_cost},
                    )
                ],
            )
        elif self.cost is not None:
            self.points = points_for(self.cost)
            decision = await self._take(context, self.points)
            if decision is not None and not decision.allowed:
                self.outcome = "rate_limited"
                policy = decision.refused_by.policy if decision.refused_by else "tenant"
                wait = decision.headers()["Retry-After"]
                context.response.status_code = 429
                execution.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"Rate limit of this {_POLICY_NAMES.get(policy, policy)} reached: this operation takes "
                            f"{self.points} point(s); retry after {wait} s.",
                            extensions={"code": "RATE_LIMITED", "policy": policy, "retryAfter": int(wait)},
                        )
                    ],
                )
        yield

    async def _take(self, context: Context, points: int) -> Decision | None:
        self.charged = True
        if context.limiter is None or not context.rate_buckets:
            return None
        decision = await context.limiter.take(context.rate_buckets, points)
        if not decision.allowed and decision.refused_by is not None:
            metrics.record_rate_limited(decision.refused_by.policy)
        for name, value in decision.headers().items():
            context.response.headers[name] = value
        return decision

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "limit": self.max_cost, "points": self.points}}


_POLICY_NAMES = {"person": "person", "api_key": "API key", "tenant": "organisation"}

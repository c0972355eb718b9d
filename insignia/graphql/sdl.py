"""The GraphQL contract as SDL: what ``insignia schema print`` writes and docs/schema.graphql holds."""

from __future__ import annotations

from insignia.graphql.schema import build_schema
from insignia.infra.settings import Settings


def schema_sdl() -> str:
    """The running schema in SDL (it does not depend on settings), ending with a newline."""
    return build_schema(Settings(env="development")).as_str().rstrip() + "\n"

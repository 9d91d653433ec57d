"""Field types shared by the parts of a definition."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")]
SecretName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")]
Argv = Annotated[list[str], Field(min_length=1)]


class Strict(BaseModel):
    """Unknown keys rejected; values frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

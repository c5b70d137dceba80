"""Page-number pagination shared by every list endpoint: ``?page=2&page_size=50``."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 100_000
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Pages(PageNumberPagination):
    """ninja's page numbers, bounded so that no request asks the database for an absurd offset."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="页码，从 1 开始")
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE_SIZE, description="每页条数，默认 50，最多 200"
        )

    def __init__(self, **kwargs: object) -> None:
        super().__init__(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)

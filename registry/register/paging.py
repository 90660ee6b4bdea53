"""Which rows of a long list a page shows, and the pager that leads to the others.

The public register's page and its transfers list `REGISTER_PAGE_SIZE` rows at a time; their
summaries, the CSV and the API cover every row.
"""

from dataclasses import dataclass

# Page numbers the pager names on either side of the current page, besides the first and last.
NEIGHBOURS = 2


@dataclass(frozen=True)
class Pagination:
    """Page `number` (from 1) of a list of `total` rows, `size` rows a page."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the list fills; an empty list is one empty page."""
        return max(1, -(-self.total // self.size))

    @property
    def exists(self) -> bool:
        return self.number <= self.pages

    @property
    def needed(self) -> bool:
        """Whether the list is longer than a page: a shorter one shows no pager."""
        return self.pages > 1

    @property
    def rows(self) -> slice:
        """The rows of this page, as a slice of the whole list."""
        return slice((self.number - 1) * self.size, self.number * self.size)

    @property
    def first(self) -> int:
        """The position of the page's first row, from 1."""
        return min(self.total, (self.number - 1) * self.size + 1)

    @property
    def last(self) -> int:
        return min(self.total, self.number * self.size)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    def numbers(self) -> list[int | None]:
        """The page numbers the pager names, in order; None where it skips some ("…")."""
        near = range(self.number - NEIGHBOURS, self.number + NEIGHBOURS + 1)
        named = sorted({1, self.pages, *(n for n in near if 1 <= n <= self.pages)})
        shown: list[int | None] = []
        for number in named:
            if shown and number - shown[-1] > 1:
                shown.append(None)
            shown.append(number)
        return shown

"""The numbers and names every step of a search agrees on: limits, sort orders, highlight marks.

Each is defined here once; the parser, the request, the compiler, the index settings, the pages
and the export read them from here, so a limit cannot differ between the place that enforces it
and the place that explains it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

# The query text (enforced by the parser).
MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
MAX_DEPTH = 8
MAX_PHRASE_WORDS = 12
MIN_PREFIX_LETTERS = 2

# Paging.
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
#: The index setting ``max_result_window``: from + size beyond it is refused by the engine. Also
#: the most rows an export holds, so a download never promises more than the page could list.
MAX_RESULT_WINDOW = 10_000
#: The largest ``page`` parameter accepted: with one result per page, the last reachable page.
MAX_PAGE = MAX_RESULT_WINDOW

#: Alternatives used per expanded word (an expansion table can be large; the query must not be).
MAX_EXPANSIONS_PER_WORD = 10
#: Selected keys per facet (a URL can carry anything; a terms filter of thousands is a DoS).
MAX_FILTER_VALUES = 50
# Copies of a collapsed story listed with the result ("also published by …").
COPIES_SHOWN = 10

#: Dates a search may name (date_from, date_to): wide enough for any archive, narrow enough that
#: date arithmetic (the day after date_to, histogram buckets) never leaves the calendar.
EARLIEST_DATE = dt.date(1800, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)

SortOrder = Literal["relevance", "newest", "oldest"]
SORTS: tuple[str, ...] = get_args(SortOrder)

# Highlighting.
BODY_FRAGMENT_SIZE = 160
BODY_FRAGMENTS = 3
#: Highlighting re-analyses ``.exact`` text (no term vectors); the engine fails the whole search
#: when a field exceeds ``index.highlight.max_analyzed_offset`` (1,000,000), unless the request
#: caps the analysis. Matches beyond this offset are simply not marked.
HIGHLIGHT_MAX_OFFSET = 100_000
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"

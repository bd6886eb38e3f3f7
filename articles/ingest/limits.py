"""What one input may be, whatever its format. A record over a limit is rejected with the
reason (never the end of the run), and every stage after it is linear in what is left.

SaudiNewsNet's largest article is 33,687 characters with a 181-character title; the limits
are ten times that and more, so no real article comes near them.
"""

#: Characters of an article's title and byline.
MAX_TITLE_CHARS = 1_000
MAX_BYLINE_CHARS = 1_000
#: Characters of an article's text (about 150 printed pages).
MAX_BODY_CHARS = 300_000
#: Bytes of one JSON record (a JSON Lines line, an element of an array).
MAX_RECORD_BYTES = 4_000_000
#: Nesting of arrays and objects in one JSON record (an article needs two or three).
MAX_JSON_DEPTH = 32
#: Values (fields, list elements, strings, numbers) in one JSON record.
MAX_JSON_VALUES = 10_000

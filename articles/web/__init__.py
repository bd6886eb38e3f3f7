"""What people and scripts reach over HTTP: the search and article pages, export, the JSON API
and the health check.

Thin by design: each view turns a request into a ``SearchRequest`` (``state``), calls the one
search service (``articles.search.service``) and shapes the answer; the rule of who may search
is ``access``, and article detail is presented once (``article_detail``) for page and API.
"""

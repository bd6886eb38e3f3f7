from django import template

from articles.search.errors import SearchRequestError

from ..queries import canonical

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_query(context) -> str:
    """The current search page's canonical query string ("" when it cannot be read)."""
    request = context.get("request")
    if request is None:
        return ""
    try:
        return canonical(request.GET.urlencode())
    except (SearchRequestError, ValueError):
        return ""

"""Every answer under /api/ is JSON, errors included: a path no route matches (404), a method a
route does not take (405), a write without its CSRF token (403), a request Django itself refuses
(400: a bad Host, a body too large) and an unexpected failure (500) get the documented
``{"error": {...}}`` body instead of Django's HTML pages, whatever the route and whichever app
added it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"

MESSAGES = {
    400: ("bad request", "طلب غير صالح"),
    403: (
        "forbidden: writes need the CSRF token (X-CSRFToken header) of a session",
        "ممنوع: تحتاج الكتابة إلى رمز CSRF الخاص بالجلسة",
    ),
    404: ("no such resource", "لا يوجد مورد بهذا العنوان"),
    405: ("method not allowed", "الطريقة غير مسموح بها"),
    429: ("too many requests", "طلبات كثيرة جدًا"),
    500: ("internal error", "خطأ داخلي"),
    503: ("service unavailable", "الخدمة غير متاحة الآن"),
}


def json_error(status: int, message: str, *, message_ar: str = "", field=None) -> JsonResponse:
    body = {"field": field, "message": message}
    if message_ar:
        body["message_ar"] = message_ar
    return JsonResponse({"error": body}, status=status, json_dumps_params={"ensure_ascii": False})


class ApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code in MESSAGES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            message, message_ar = MESSAGES[response.status_code]
            replaced = json_error(response.status_code, message, message_ar=message_ar)
            if response.has_header("Allow"):
                replaced["Allow"] = response["Allow"]
            return replaced
        return response

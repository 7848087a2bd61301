from portal.audit import current_ip


class AuditContextMiddleware:
    """Makes the client address available to audit.record for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


def client_ip(request) -> str | None:
    # Behind the compose file's gunicorn there is no proxy adding headers;
    # REMOTE_ADDR is the trustworthy source.
    return request.META.get("REMOTE_ADDR") or None

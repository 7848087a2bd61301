class ServiceError(Exception):
    """A business rule refused the request; the message is shown to the user."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

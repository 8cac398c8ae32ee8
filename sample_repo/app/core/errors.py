"""Domain errors."""


class ChatError(Exception):
    """Base error of the chat domain."""


class RateLimitError(ChatError):
    # innocent: an empty exception subclass is not a shim
    pass


class MessageTooLargeError(ChatError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"message of {size} bytes exceeds {limit}")
        self.size = size
        self.limit = limit

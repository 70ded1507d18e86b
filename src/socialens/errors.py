"""One catalogue of coded errors. Messages say what was wrong, where, and what to do."""

from __future__ import annotations


class SocialensError(Exception):
    """Base of every error socialens raises on purpose. ``code`` is stable across versions."""

    code = "E000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InputFileError(SocialensError):
    """A whole input file cannot be read: missing, truncated, corrupt, or not the format."""

    code = "E101"

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class UnknownFormatError(InputFileError):
    code = "E102"

    def __init__(self, path: object, known: list[str]) -> None:
        super().__init__(path, f"could not tell the format; pass --format with one of: {', '.join(known)}")


class RecordError(SocialensError):
    """One record is malformed. Ingest sets it aside in the rejects file and goes on."""

    code = "E103"

    def __init__(self, reason: str, field: str | None = None) -> None:
        where = f"field '{field}': " if field else ""
        super().__init__(f"{where}{reason}")
        self.reason = reason
        self.field = field


class ColumnMappingError(SocialensError):
    code = "E104"


class StoreBusyError(SocialensError):
    code = "E201"

    def __init__(self, path: object, holder: str | None = None) -> None:
        by = f"by {holder}" if holder else "by another process"
        super().__init__(
            f"store is busy: {path} is open for writing {by}; wait for it to finish or use another --store"
            + ("; while the server runs, write through its API (/api/v1/runs)" if holder else "")
        )


class StoreVersionError(SocialensError):
    code = "E202"


class StoreError(SocialensError):
    code = "E203"


class MissingExtraError(SocialensError):
    code = "E301"

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(f"this needs the optional package '{module}': pip install 'socialens[{extra}]'")


class EngineError(SocialensError):
    """Worker processes could not start or died: the message says why and what to do."""

    code = "E302"


class ConfigError(SocialensError):
    code = "E401"


class UnknownComponentError(SocialensError):
    code = "E402"


class NotFittedError(SocialensError, ValueError):
    """A component was asked for output before ``fit`` (or ``load``) gave it its learned state.

    Also a ``ValueError``, as scikit-learn's is, so callers that caught that keep working.
    """

    code = "E403"


class AuthError(SocialensError):
    """A request to ``socialens serve`` without a valid token (HTTP 401)."""

    code = "E601"


class ForbiddenError(SocialensError):
    """A valid token whose scope does not allow the route (HTTP 403)."""

    code = "E602"


class NotFoundError(SocialensError):
    """What a request names (a job, an account, a route) does not exist (HTTP 404)."""

    code = "E603"


class RequestTooLargeError(SocialensError):
    """A request body or upload over the server's limit (HTTP 413)."""

    code = "E604"


class WriterBusyError(SocialensError):
    """The server's one writer is still running earlier jobs; a short write did not get its turn (HTTP 409)."""

    code = "E606"


class JobInterruptedError(SocialensError):
    """A server job that was queued or running when the server stopped; it did not finish (submit it again)."""

    code = "E607"


class JobStateError(SocialensError):
    """A server job is not in a state that allows what was asked (resubmitting a job that is done) (HTTP 409)."""

    code = "E608"


class ModelNotFoundError(SocialensError):
    """No model (or version, or default) by that name in the registry."""

    code = "E501"


class ModelCardError(SocialensError):
    """A ``card.json`` or ``defaults.json`` cannot be read or is not a model card."""

    code = "E502"


class CheckpointError(SocialensError):
    """A checkpoint is missing, unreadable, or does not fit the model or settings it is resumed with."""

    code = "E503"


class TrainingError(SocialensError):
    """Training cannot go on: empty data, or a loss that stopped being a number."""

    code = "E504"


class MediaError(SocialensError):
    """One media file is missing, unreadable or not a picture or video. Ingest and image analysis
    set the attachment aside in the rejects file and go on."""

    code = "E120"

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

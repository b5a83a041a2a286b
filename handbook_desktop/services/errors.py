"""Errors a user reads: one Vietnamese sentence saying what happened and what to do."""


class UserError(Exception):
    """Refused or failed with a message for the user (CLI exit 1, a dialog in the window)."""


class PermissionDenied(UserError):
    pass


class NotInitialised(UserError):
    def __init__(self) -> None:
        super().__init__(
            "Cơ sở dữ liệu chưa được thiết lập: hãy chạy 'handbook-desktop init' hoặc mở chương trình để thiết lập."
        )

"""Errors in the window: a Vietnamese dialog that says what happened; details go to the log."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger("handbook_desktop.ui")


def user_text(error: BaseException) -> str:
    from handbook_desktop.logs import log_file
    from handbook_desktop.services.errors import explain_failure, user_message

    message = user_message(error)
    if message is not None:
        return message
    message = explain_failure(error)
    if message is not None:
        return message
    return (
        "Đã xảy ra lỗi không mong đợi; dữ liệu đã lưu vẫn an toàn. "
        f"Chi tiết được ghi trong nhật ký: {log_file()}"
    )


def show_error(parent: QWidget | None, error: BaseException, title: str = "Không thực hiện được") -> None:
    QMessageBox.warning(parent, title, user_text(error))


def _excepthook(kind, value, tb) -> None:
    log.critical("uncaught error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
    if QApplication.instance() is not None:
        from handbook_desktop.logs import log_file

        QMessageBox.critical(
            None,
            "Lỗi chương trình",
            "Chương trình gặp lỗi không mong đợi; dữ liệu đã lưu vẫn an toàn.\n"
            f"Hãy gửi tệp nhật ký này cho người hỗ trợ:\n{log_file()}",
        )


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind, context, message) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), message)


def install_error_handlers() -> None:
    sys.excepthook = _excepthook
    qInstallMessageHandler(_qt_message)

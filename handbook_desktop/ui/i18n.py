"""User text goes through ``tr()``; Qt's own buttons read Vietnamese via qtbase_vi."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

_translators: list[QTranslator] = []


def tr(text: str, context: str = "handbook") -> str:
    return QCoreApplication.translate(context, text)


def install_translations(app) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_vi", "qt_vi"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)

"""The window's menus, toolbar buttons and keyboard shortcuts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence

StandardKey = QKeySequence.StandardKey


def _action(window, name: str, text: str, slot, shortcuts=(), *, checkable: bool = False
            ) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    keys = []  # one of each: a key bound twice is "ambiguous" to Qt and does nothing
    for k in shortcuts:
        key = QKeySequence(k)
        if not key.isEmpty() and key not in keys:
            keys.append(key)
    if keys:
        action.setShortcuts(keys)
        action.setToolTip(f"{text.replace('&', '').rstrip('.…')} "
                          f"({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})")
    action.setCheckable(checkable)
    action.triggered.connect(slot if checkable else lambda _=False: slot())
    window.addAction(action)
    return action


def _history_action(window, name: str, text: str, stack, keys) -> QAction:
    """Undo or redo with a text that stays the same (the toolbar keeps its width); what it
    would undo or redo is in the tooltip and the menu's status tip."""
    undo = name == "undo"
    action = QAction(text, window)
    action.setObjectName(name)
    action.setShortcuts(keys)
    shortcut = keys[0].toString(QKeySequence.SequenceFormat.NativeText)
    verb = text.replace("&", "")

    def update(*_args) -> None:
        try:
            what = stack.undoText() if undo else stack.redoText()
            can = stack.canUndo() if undo else stack.canRedo()
        except RuntimeError:  # the stack is being deleted with its session
            return
        action.setEnabled(can)
        tip = f"{verb} {what}" if what else verb
        action.setToolTip(f"{tip} ({shortcut})")
        action.setStatusTip(tip)

    for signal in (stack.indexChanged, stack.cleanChanged, stack.canUndoChanged,
                   stack.canRedoChanged):
        signal.connect(update)
    update()
    action.triggered.connect(window.options.flush)  # typing waiting for its pause comes first
    action.triggered.connect(stack.undo if undo else stack.redo)
    window.addAction(action)
    return action


def build_actions(window) -> dict[str, QAction]:
    """Every action with its shortcut, in menus (and the common ones on the toolbar)."""
    session, view = window.session, window.view
    undo = _history_action(window, "undo", "&Undo", session.undo_stack,
                           QKeySequence.keyBindings(StandardKey.Undo))
    redo = _history_action(window, "redo", "&Redo", session.undo_stack,
                           [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    a = {
        "open": _action(window, "open", "&Open configuration…", lambda: window.open_configuration(),
                        [StandardKey.Open]),
        "save": _action(window, "save", "&Save configuration",
                        lambda: window.save_configuration(), [StandardKey.Save]),
        "save_as": _action(window, "save_as", "Save configuration &as…",
                           lambda: window.save_configuration(choose=True), ["Ctrl+Shift+S"]),
        "export": _action(window, "export", "&Export still…", window.exports.still, ["Ctrl+E"]),
        "export_model": _action(window, "export_model", "Export AR &model (GLB, USDZ)…",
                                window.exports.model),
        "export_spec_sheet": _action(window, "export_spec_sheet", "Export s&pec sheet (PDF)…",
                                     window.exports.spec_sheet),
        "export_order": _action(window, "export_order", "Export or&der package…",
                                window.exports.order_package),
        "quit": _action(window, "quit", "&Quit", window.close, [StandardKey.Quit, "Ctrl+Q"]),
        "undo": undo,
        "redo": redo,
        "copy_code": _action(window, "copy_code", "&Copy share code", window.copy_share_code,
                             ["Ctrl+Shift+C"]),
        "paste_code": _action(window, "paste_code", "&Paste share code",
                              lambda: window.paste_share_code(), ["Ctrl+Shift+V"]),
        "reset_view": _action(window, "reset_view", "&Reset view", view.reset_view,
                              ["Home", "Ctrl+0"]),
        "turntable": _action(window, "turntable", "&Turntable", view.set_turntable, ["Ctrl+T"],
                             checkable=True),
        "reload": _action(window, "reload", "Re&load product files", window.reload_catalog,
                          [StandardKey.Refresh, "F5"]),
        "next_product": _action(window, "next_product", "&Next product",
                                lambda: window.step_product(1), ["Ctrl+PgDown"]),
        "previous_product": _action(window, "previous_product", "P&revious product",
                                    lambda: window.step_product(-1), ["Ctrl+PgUp"]),
        "problems": window.problems_dock.toggleViewAction(),
    }
    a["problems"].setShortcut(QKeySequence("Ctrl+Shift+P"))

    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addAction(a["open"])
    window.recent_menu = file_menu.addMenu("Open &recent")
    fill_recent_menu(window)
    for name in ("save", "save_as"):
        file_menu.addAction(a[name])
    file_menu.addSeparator()
    for name in ("export", "export_model", "export_spec_sheet", "export_order"):
        file_menu.addAction(a[name])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    edit = menu.addMenu("&Edit")
    for name in ("undo", "redo", "copy_code", "paste_code"):
        edit.addAction(a[name])
    view_menu = menu.addMenu("&View")
    window.view_menu = view_menu
    for name in ("reset_view", "turntable"):
        view_menu.addAction(a[name])
    window.camera_menu = view_menu.addMenu("&Camera")
    fill_camera_menu(window)
    view_menu.addSeparator()
    for name in ("next_product", "previous_product", "problems", "reload"):
        view_menu.addAction(a[name])

    toolbar = window.view_toolbar
    toolbar.addAction(a["reset_view"])
    toolbar.addAction(a["turntable"])
    toolbar.addSeparator()
    for name in ("undo", "redo", "open", "save", "export"):
        toolbar.addAction(a[name])
    return a


def fill_camera_menu(window) -> None:
    """One entry per camera preset of the product on show, on keys 1 to 9."""
    menu = window.camera_menu
    for action in menu.actions():
        window.removeAction(action)
    menu.clear()
    for i, camera in enumerate(window.view.camera_presets()):
        action = menu.addAction(camera.label)
        action.setObjectName(f"camera_{camera.id}")
        if i < 9:
            action.setShortcut(QKeySequence(str(i + 1)))
        action.triggered.connect(lambda _=False, c=camera.id: window.view.set_camera_preset(c))
        window.addAction(action)


def fill_recent_menu(window) -> None:
    menu = window.recent_menu
    menu.clear()
    files = window.recent_files()
    for i, name in enumerate(files):
        action = menu.addAction(f"&{i + 1} {Path(name).name}")
        action.setToolTip(name)
        action.triggered.connect(lambda _=False, p=name: window.open_configuration(Path(p)))
    menu.setEnabled(bool(files))

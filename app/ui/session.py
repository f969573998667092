"""The configuring session: the project, the product on show, its configuration, and every
change as an undoable command. Views call these methods and listen to ``changed``."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.catalog.catalog import Catalog
from app.domain.configuration import (
    Configuration,
    ImageValue,
    TextValue,
    complete,
    default_configuration,
)
from app.domain.product import Product
from app.domain.share_code import decode_share_code, encode_share_code, share_code_product
from app.errors import ConfigurationError
from app.export.handoff_store import HandoffStore, resolve_code
from app.project import Project
from app.ui.autosave import Autosave
from app.ui.choice_status import Proposal, keep_valid, nearest_allowed_colour, propose_choice

UNDO_LIMIT = 500
TYPING_COMMAND_ID = 4242


class SetConfiguration(QUndoCommand):
    """Replace the configuration (and the product, when it is another one's)."""

    def __init__(self, session: ConfigSession, before: Configuration, after: Configuration,
                 text: str, merge_key: str | None = None):
        super().__init__(text)
        # weak: the stack (the session's child) owns its commands, and a command that held its
        # session would make a cycle that the garbage collector tears down in the wrong order
        self._session = weakref.ref(session)
        self.before, self.after, self.merge_key = before, after, merge_key

    def redo(self) -> None:
        self._show(self.after)

    def undo(self) -> None:
        self._show(self.before)

    def _show(self, configuration: Configuration) -> None:
        session = self._session()
        if session is not None:
            session._show(configuration)

    def id(self) -> int:
        return TYPING_COMMAND_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt's name)
        if not isinstance(other, SetConfiguration) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.setText(other.text())
        return True


class ConfigSession(QObject):
    """With ``remember_products`` the session keeps one configuration per product: switching
    back to a product shows it as it was left. Undo is one shared history, product switches
    included (undoing a switch goes back to the previous product as it was)."""

    changed = Signal()  # the configuration changed (and maybe the product)
    product_changed = Signal()  # another product, or the same one reloaded from its file
    catalog_changed = Signal()

    def __init__(self, project: Project, product_id: str | None = None,
                 autosave: Autosave | None = None, *, remember_products: bool = False,
                 handoffs: HandoffStore | None = None):
        super().__init__()
        self.project = project
        self._handoffs = handoffs
        self.autosave = autosave
        self.remember_products = remember_products
        self._remembered: dict[str, Configuration] = {}
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        products = project.catalog.products
        if not products:
            raise ConfigurationError("the catalog has no product that loads",
                                     file=str(project.root / "configs"))
        chosen = product_id if product_id in products else sorted(products)[0]
        self.product: Product = products[chosen]
        self.configuration = default_configuration(self.product)
        self._remembered[chosen] = self.configuration

    # reading --------------------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        return self.project.catalog

    def configuration_for(self, product_id: str) -> Configuration:
        """The configuration ``product_id`` has in this session: the one on show, the one it
        was left with (when products are remembered), or its default."""
        if product_id == self.product.id:
            return self.configuration
        product = self.catalog.product(product_id)
        remembered = self._remembered.get(product_id) if self.remember_products else None
        if remembered is None:
            return default_configuration(product)
        return keep_valid(remembered, product)

    def remember(self, product_id: str, configuration: Configuration) -> None:
        """Set the configuration a product not on show comes back with (discarded work)."""
        if product_id != self.product.id:
            self._remembered[product_id] = configuration

    def visited_products(self) -> list[str]:
        """The products shown in this session, the one on show included."""
        return [p for p in self._remembered if p in self.catalog.products]

    def share_code(self) -> str:
        return encode_share_code(self.configuration, self.product)

    @property
    def handoffs(self) -> HandoffStore:
        """Where hand-off codes are kept (the user's own store unless one was given)."""
        if self._handoffs is None:
            self._handoffs = HandoffStore.default()
        return self._handoffs

    def handoff_code(self) -> str:
        """A new short hand-off code (``K7M-4QX-9A``) kept for the design on show."""
        return self.handoffs.add(self.share_code())

    # changes (each one an undo step) --------------------------------------------------------

    def propose(self, group_id: str, choice_id: str) -> Proposal:
        return propose_choice(self.product, self.configuration, group_id, choice_id)

    def accept(self, proposal: Proposal) -> None:
        group = self.product.option(proposal.group_id)
        text = f"{group.label}: {group.choice(proposal.choice_id).label}"
        if proposal.adjustments:
            text += " (" + ", ".join(a.describe() for a in proposal.adjustments) + ")"
        self.set_configuration(proposal.configuration, text)

    def select(self, group_id: str, choice_id: str,
               confirm: Callable[[Proposal], bool] = lambda _p: True) -> bool:
        """Select a choice; when rules need other changes too, ``confirm`` decides."""
        proposal = self.propose(group_id, choice_id)
        if not proposal.possible:
            return False
        if proposal.adjustments and not confirm(proposal):
            return False
        self.accept(proposal)
        return True

    def set_colour(self, group_id: str, colour: str) -> str:
        """Pick a free colour (moved into what the choice offers); returns the colour used."""
        group = self.product.option(group_id)
        configuration = self.configuration
        choice = group.choice(configuration.selections[group_id])
        if choice.free_colour is None:
            choice = next(c for c in group.choices if c.free_colour is not None)
            configuration = configuration.with_choice(group_id, choice.id)
        used = nearest_allowed_colour(choice.free_colour, colour)
        self.set_configuration(configuration.with_colour(group_id, used),
                               f"{group.label}: colour {used}")
        return used

    def set_zone(self, zone_id: str, value: TextValue | ImageValue | None) -> None:
        """Personalize a zone; typing in the same zone merges into one undo step."""
        zone = self.product.zone(zone_id)
        if isinstance(value, TextValue):
            text = f"{zone.label}: \u201c{value.text}\u201d"
        elif isinstance(value, ImageValue):
            text = f"{zone.label}: image"
        else:
            text = f"{zone.label}: cleared"
        merge = f"{self.product.id}/{zone_id}" if isinstance(value, TextValue) else None
        self.set_configuration(self.configuration.with_zone(zone_id, value), text, merge)

    def apply_preset(self, preset_id: str) -> None:
        preset = self.product.preset(preset_id)
        configuration = self.configuration.model_copy(update={
            "selections": {**self.configuration.selections, **preset.selections},
            "colours": {**self.configuration.colours, **preset.colours}})
        self.set_configuration(complete(configuration, self.product), f"Preset {preset.label}")

    def switch_product(self, product_id: str) -> None:
        if product_id == self.product.id:
            return
        product = self.catalog.product(product_id)
        self.set_configuration(self.configuration_for(product_id), f"Show {product.name}")

    def load(self, configuration: Configuration, text: str) -> None:
        """A configuration from a file, a share code or a restored session."""
        self.set_configuration(configuration, text)

    def paste_share_code(self, code: str) -> None:
        """Show the design of a share code, or of a hand-off code kept in ``handoffs``."""
        code = resolve_code(code, self.handoffs)
        product_id = share_code_product(code)
        product = self.catalog.products.get(product_id)
        if product is None:
            raise ConfigurationError(f"this share code is for product '{product_id}', which is "
                                     "not in the catalog", field="share code")
        configuration = decode_share_code(code, product)
        missing = self.project.pictures.missing(configuration)
        if missing:  # only the picture store is looked at, never a path from the code
            raise missing[0]
        self.load(configuration, "Paste share code")

    def set_configuration(self, configuration: Configuration, text: str,
                          merge_key: str | None = None) -> None:
        if configuration == self.configuration:
            return
        self.undo_stack.push(SetConfiguration(self, self.configuration, configuration, text,
                                              merge_key))

    # designer reload ------------------------------------------------------------------------

    def replace_catalog(self, catalog: Catalog) -> None:
        """A reloaded catalog. Products whose file now has problems stay at their last good
        version; the product on show keeps the selections that are still valid."""
        broken_files = {p.file for p in catalog.problems if p.file} | catalog.held_back
        products = dict(catalog.products)
        for product_id, product in self.catalog.products.items():
            label = self._label(product.source)
            if product_id not in products and label in broken_files:
                products[product_id] = product
        old_materials = self.catalog.materials
        materials = {**old_materials, **catalog.materials}
        self.project.catalog = replace(catalog, products=products, materials=materials)
        self.catalog_changed.emit()
        reloaded = products.get(self.product.id)
        if reloaded is not None and reloaded != self.product:
            self.product = reloaded
            self.configuration = keep_valid(self.configuration, reloaded)
            self._remembered[reloaded.id] = self.configuration
            self.product_changed.emit()
            self.changed.emit()
            self._autosave()
        elif reloaded is not None and materials != old_materials:
            self.changed.emit()

    def _label(self, source: str) -> str:
        try:
            return Path(source).resolve().relative_to(self.project.root).as_posix()
        except ValueError:
            return source

    # internals ------------------------------------------------------------------------------

    def _show(self, configuration: Configuration) -> None:
        product = self.catalog.products.get(configuration.product_id, self.product)
        product_changed = product.id != self.product.id
        self.product = product
        self.configuration = keep_valid(configuration, product)
        self._remembered[product.id] = self.configuration
        if product_changed:
            self.product_changed.emit()
        self.changed.emit()
        self._autosave()

    def _autosave(self) -> None:
        if self.autosave is not None:
            self.autosave.save(self.configuration)

"""The configuring session both windows show: the project, the product on show, its
configuration, one remembered configuration per product, and every change a person makes.

No Qt: the desktop window and the kiosk are views over it. A change is a ``Change`` (before,
after, what it reads as in an Undo menu) handed to ``record``; by default it is shown at once,
and a window that keeps an undo history records it there and calls ``show`` to do and undo it.
Views hear of what happened through the ``on_*`` listener lists; ``on_event`` hears what a
person did (a choice, a preset, a personalization, a hand-off), named by ids only, for the
store's event log (app.session.store_events).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from app.catalog.catalog import Catalog
from app.domain.choices import Proposal, keep_valid, nearest_allowed_colour, propose_choice
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
from app.scene.description import SceneDescription
from app.scene.resolve import SceneContext, resolve_scene


@dataclass(frozen=True)
class Change:
    """One undoable step: the configuration before and after (another product's, for a switch),
    its Undo text, and a key under which consecutive steps merge (typing in one zone)."""

    before: Configuration
    after: Configuration
    text: str
    merge_key: str | None = None


class SavesConfigurations(Protocol):
    def save(self, configuration: Configuration) -> None: ...


Listener = Callable[[], None]


@dataclass(frozen=True)
class SessionEvent:
    """Something a person did, by ids only (never a name or a text they typed). ``kind`` is
    one of the store's event kinds (app.store.event_records.EventKind)."""

    kind: str
    product_id: str | None = None
    group_id: str | None = None
    choice_id: str | None = None
    preset_id: str | None = None


class Configurator:
    """With ``remember_products`` the session keeps one configuration per product: switching
    back to a product shows it as it was left."""

    def __init__(self, project: Project, product_id: str | None = None,
                 autosave: SavesConfigurations | None = None, *,
                 remember_products: bool = False, handoffs: HandoffStore | None = None):
        self.project = project
        self._handoffs = handoffs
        self.autosave = autosave
        self.remember_products = remember_products
        self.record: Callable[[Change], None] = lambda change: self.show(change.after)
        self.on_changed: list[Listener] = []  # the configuration changed (maybe the product)
        self.on_product_changed: list[Listener] = []  # another product, or the same reloaded
        self.on_catalog_changed: list[Listener] = []
        self.on_event: list[Callable[[SessionEvent], None]] = []  # what a person did
        self._remembered: dict[str, Configuration] = {}
        self._context: SceneContext | None = None
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
        code = self.handoffs.add(self.share_code())
        self.tell("handoff")
        return code

    def tell(self, kind: str, *, group_id: str | None = None, choice_id: str | None = None,
             preset_id: str | None = None) -> None:
        """Tell ``on_event`` that a person did ``kind`` with the product on show."""
        event = SessionEvent(kind, self.product.id, group_id, choice_id, preset_id)
        for listener in list(self.on_event):
            listener(event)

    def view_option(self, group_id: str) -> None:
        """A person looked at an option group or a personalization zone (its field focused,
        its part tapped in the view)."""
        self.tell("option_viewed", group_id=group_id)

    def propose(self, group_id: str, choice_id: str) -> Proposal:
        return propose_choice(self.product, self.configuration, group_id, choice_id)

    def scene_context(self) -> SceneContext:
        """What resolving needs (materials, assets, caches), kept until the catalog changes."""
        if self._context is None:
            self._context = self.project.scene_context()
        return self._context

    def scene(self, product_id: str | None = None,
              configuration: Configuration | None = None) -> SceneDescription:
        """The scene of what is on show, or of another product's ``configuration`` (its default
        when None). AppError when a file it needs has a problem."""
        if product_id is None:
            return resolve_scene(self.product, self.configuration, self.scene_context())
        product = self.catalog.product(product_id)
        if configuration is None:
            configuration = default_configuration(product)
        return resolve_scene(product, configuration, self.scene_context())

    # changes (each one recorded as a Change) ------------------------------------------------

    def accept(self, proposal: Proposal) -> None:
        group = self.product.option(proposal.group_id)
        text = f"{group.label}: {group.choice(proposal.choice_id).label}"
        if proposal.adjustments:
            text += " (" + ", ".join(a.describe() for a in proposal.adjustments) + ")"
        before = self.configuration
        self.set_configuration(proposal.configuration, text)
        if self.configuration is not before:
            self.tell("choice_made", group_id=proposal.group_id, choice_id=proposal.choice_id)

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
        self.tell("choice_made", group_id=group_id, choice_id=choice.id)
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
        had = self.configuration.personalization.get(zone_id) is not None
        self.set_configuration(self.configuration.with_zone(zone_id, value), text, merge)
        if value is not None and not had:  # once per zone filled, not once per key
            self.tell("personalization_added", group_id=zone_id)

    def apply_preset(self, preset_id: str) -> None:
        preset = self.product.preset(preset_id)
        configuration = self.configuration.model_copy(update={
            "selections": {**self.configuration.selections, **preset.selections},
            "colours": {**self.configuration.colours, **preset.colours}})
        self.set_configuration(complete(configuration, self.product), f"Preset {preset.label}")
        self.tell("preset_used", preset_id=preset_id)

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
        self.record(Change(self.configuration, configuration, text, merge_key))

    def show(self, configuration: Configuration) -> None:
        """Put ``configuration`` on show (its product too): a recorded change done or undone."""
        product = self.catalog.products.get(configuration.product_id, self.product)
        product_changed = product.id != self.product.id
        self.product = product
        self.configuration = keep_valid(configuration, product)
        self._remembered[product.id] = self.configuration
        if product_changed:
            _tell(self.on_product_changed)
        _tell(self.on_changed)
        self._autosave()

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
        self._context = None
        _tell(self.on_catalog_changed)
        reloaded = products.get(self.product.id)
        if reloaded is not None and reloaded != self.product:
            self.product = reloaded
            self.configuration = keep_valid(self.configuration, reloaded)
            self._remembered[reloaded.id] = self.configuration
            _tell(self.on_product_changed)
            _tell(self.on_changed)
            self._autosave()
        elif reloaded is not None and materials != old_materials:
            _tell(self.on_changed)

    def _label(self, source: str) -> str:
        try:
            return Path(source).resolve().relative_to(self.project.root).as_posix()
        except ValueError:
            return source

    def _autosave(self) -> None:
        if self.autosave is not None:
            self.autosave.save(self.configuration)


def _tell(listeners: list[Listener]) -> None:
    for listener in list(listeners):
        listener()

"""A configurable product as its designer authors it: parts, option groups, zones, rules, presets.

The pydantic models check the shape of each value; ``product_problems`` (in
app/domain/product_checks.py) checks what refers to what.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.domain.colour import HexColour
from app.limits import MAX_PRICE, MAX_ZONE_TEXT_CHARS

Vec3 = tuple[float, float, float]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Units(StrEnum):
    m = "m"
    cm = "cm"
    mm = "mm"
    inch = "in"
    ft = "ft"


class UpAxis(StrEnum):
    y = "y"
    z = "z"


class Part(_Strict):
    """Named node(s) of a model file, drawn with a default material."""

    id: str = Field(min_length=1)
    nodes: list[str] = Field(min_length=1, description="node or mesh names in the model file")
    model: str | None = Field(None, description="model file; defaults to the product's model")
    material: str = Field(description="material id from assets/materials/")


Degrees = Annotated[float, Field(ge=0.0, le=360.0)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


class HslRange(_Strict):
    hue: tuple[Degrees, Degrees] = Field((0.0, 360.0),
                                         description="degrees; min > max wraps past 0")
    saturation: tuple[Unit, Unit] = (0.0, 1.0)
    lightness: tuple[Unit, Unit] = (0.0, 1.0)


class FreeColour(_Strict):
    """A colour the customer picks freely, limited to a palette or to an HSL range."""

    palette: list[HexColour] | None = None
    range: HslRange | None = None
    default: HexColour

    @model_validator(mode="after")
    def _one_limit(self) -> FreeColour:
        if (self.palette is None) == (self.range is None):
            raise ValueError("give exactly one of 'palette' or 'range'")
        if self.palette is not None and len(self.palette) == 0:
            raise ValueError("'palette' needs at least one colour")
        return self


class Choice(_Strict):
    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    price: Decimal = Field(Decimal(0), ge=0, le=MAX_PRICE,
                           description="added to the base price")
    swatch: str | None = Field(
        None, description="'#rrggbb' or an image path; derived from the material when absent"
    )
    # kind: material
    material: str | None = None
    color: HexColour | None = Field(None, description="sRGB tint over the material's colour")
    free_colour: FreeColour | None = None
    # kind: part_swap
    parts: list[str] = Field(default_factory=list, description="parts shown by this choice")
    # kind: transform
    mirror: Literal["x", "y", "z"] | None = None
    scale: float | None = Field(None, gt=0.0)
    offset: Vec3 | None = Field(None, description="metres; e.g. a lift kit raising the body")


class OptionKind(StrEnum):
    material = "material"
    part_swap = "part_swap"
    transform = "transform"


class OptionGroup(_Strict):
    """One question the customer answers, e.g. glaze colour or handle style.

    - material: each choice puts a material (and/or a colour, or a free colour) on ``parts``;
    - part_swap: each choice shows its ``parts`` and hides those of the other choices;
    - transform: each choice mirrors, scales or moves ``parts`` (all parts when empty), in that
      order; a choice with none of these is the identity (right-handed, standard size).
    """

    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    kind: OptionKind
    parts: list[str] = Field(default_factory=list)
    material: str | None = Field(None, description="material for choices that give only a colour")
    default: str | None = Field(None, description="choice id; the first choice when absent")
    choices: list[Choice] = Field(min_length=1)

    @model_validator(mode="after")
    def _choices_fit_kind(self) -> OptionGroup:
        for i, c in enumerate(self.choices):
            where = f"choices[{i}]"
            if self.kind is OptionKind.material:
                if c.material is None and c.color is None and c.free_colour is None:
                    raise ValueError(f"{where}: a material choice needs 'material', 'color' or "
                                     "'free_colour'")
                if c.material is None and self.material is None:
                    raise ValueError(f"{where}: no 'material' on the choice or the group")
            elif self.kind is OptionKind.part_swap and not c.parts:
                raise ValueError(f"{where}: a part_swap choice needs 'parts'")
        if self.kind is OptionKind.material and not self.parts:
            raise ValueError("a material option needs 'parts'")
        return self

    def choice(self, choice_id: str) -> Choice:
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise KeyError(choice_id)

    @property
    def default_choice(self) -> Choice:
        return self.choice(self.default) if self.default else self.choices[0]


class Projector(_Strict):
    """Where a zone lands: a box projected along ``direction``, sized in millimetres.

    Position, in millimetres in the product's space (Y up), is the centre of the zone's face;
    ``mode: wrap`` wraps around the part's axis (mugs, bottles) instead of projecting flat.
    """

    position: Vec3
    direction: Vec3
    up: Vec3 = (0.0, 1.0, 0.0)
    width_mm: float = Field(gt=0.0)
    height_mm: float = Field(gt=0.0)
    depth_mm: float = Field(20.0, gt=0.0)
    mode: Literal["planar", "wrap"] = "planar"

    @model_validator(mode="after")
    def _directions(self) -> Projector:
        for name in ("direction", "up"):
            v = getattr(self, name)
            if sum(c * c for c in v) < 1e-12:
                raise ValueError(f"'{name}' must not be the zero vector")
        d, u = self.direction, self.up
        dot = sum(a * b for a, b in zip(d, u, strict=True))
        norm = (sum(a * a for a in d) * sum(b * b for b in u)) ** 0.5
        if abs(dot) > 0.999 * norm:
            raise ValueError("'up' must not be parallel to 'direction'")
        return self


class Technique(StrEnum):
    print = "print"
    engrave = "engrave"
    emboss = "emboss"
    foil = "foil"
    embroider = "embroider"

    @property
    def takes_ink(self) -> bool:
        """Whether the customer picks a colour: an engraving is cut into the part and an
        embossing raises it, both in the part's own material; print, foil and thread have one."""
        return self not in (Technique.engrave, Technique.emboss)


class ZoneLimits(_Strict):
    max_chars: int = Field(30, ge=1, le=MAX_ZONE_TEXT_CHARS)
    max_lines: int = Field(1, ge=1, le=100)
    fonts: list[str] = Field(default_factory=list, description="allowed font ids; empty = any")
    colours: list[HexColour] = Field(default_factory=list, description="allowed ink colours")
    charset: str | None = Field(
        None, description="'latin', 'ascii', 'digits' or a string of allowed characters"
    )


class ZoneText(_Strict):
    """How text is set in a zone, as the designer decides it.

    ``size_mm`` is the height of a capital letter (cap height) on the product; ``monogram`` sets
    three letters with the middle one larger; ``arc`` sets one line along a circular arc of
    ``arc_radius_mm`` (positive bends like a smile's top edge, the ends lower than the middle).
    """

    layout: Literal["lines", "monogram", "arc"] = "lines"
    size_mm: float = Field(gt=0.0, description="cap height in millimetres")
    align: Literal["left", "center", "right"] = "center"
    letter_spacing_mm: float = Field(0.0, description="extra space between letters, millimetres")
    line_spacing: float = Field(1.25, gt=0.0,
                                description="distance between baselines in multiples of the em")
    arc_radius_mm: float | None = Field(None, description="radius of the arc; needed for 'arc'")

    @model_validator(mode="after")
    def _arc_radius(self) -> ZoneText:
        if self.layout == "arc" and (self.arc_radius_mm is None or self.arc_radius_mm == 0):
            raise ValueError("layout 'arc' needs a non-zero 'arc_radius_mm'")
        return self


class Zone(_Strict):
    """A personalization zone: text or an image on a part."""

    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    kind: Literal["text", "image"]
    part: str
    projector: Projector
    limits: ZoneLimits = ZoneLimits()
    techniques: list[Technique] = Field(default_factory=lambda: [Technique.print], min_length=1)
    price: Decimal = Field(Decimal(0), ge=0, le=MAX_PRICE,
                           description="added when the zone is personalized")
    text: ZoneText | None = Field(None, description="text settings of a text zone")


class Rule(_Strict):
    """``when`` a choice is selected, it ``requires`` one of, or ``excludes`` all of, others.

    Choices are written ``group.choice``.
    """

    kind: Literal["requires", "excludes"]
    when: str
    then: list[str] = Field(min_length=1)
    message: str = Field(min_length=1, description="what the customer reads")


class Preset(_Strict):
    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    description: str = ""
    selections: dict[str, str] = Field(default_factory=dict)
    colours: dict[str, HexColour] = Field(default_factory=dict)


class CameraPreset(_Strict):
    """A named view, in metres in the product's space (Y up, product resting on y=0)."""

    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    position: Vec3
    target: Vec3
    up: Vec3 = (0.0, 1.0, 0.0)
    fov_deg: float = Field(30.0, gt=1.0, lt=120.0)


class ArRest(_Strict):
    """How the product lies in its AR files (GLB, USDZ)."""

    face_up: list[str] = Field(
        min_length=1, max_length=64,
        description="zone ids in order of preference: the first one the configuration "
                    "personalizes is turned to face up, its artwork reading from the front; "
                    "with none personalized the product lies as modelled")


class ArSettings(_Strict):
    """What the AR exports do beyond the shared scene."""

    rest: ArRest | None = Field(None, description="the pose the product rests in")


class Product(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    description: str = ""
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")
    base_price: Decimal = Field(ge=0, le=MAX_PRICE)
    model: str = Field(description="model file (glTF/GLB, OBJ, STL, PLY), relative to the project")
    units: Units = Units.m
    up: UpAxis = UpAxis.y
    parts: list[Part] = Field(min_length=1)
    options: list[OptionGroup] = Field(default_factory=list)
    zones: list[Zone] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    presets: list[Preset] = Field(default_factory=list)
    cameras: list[CameraPreset] = Field(default_factory=list)
    ar: ArSettings | None = Field(None, description="AR exports: the pose the product rests in")
    complements: list[str] = Field(
        default_factory=list, max_length=64,
        description="ids of other products of the catalog that go with this one (a strap for a "
                    "watch): suggested to a customer who ordered this one")
    source: str = Field("", exclude=True, description="the file it was read from")

    def option(self, group_id: str) -> OptionGroup:
        for g in self.options:
            if g.id == group_id:
                return g
        raise KeyError(group_id)

    def part(self, part_id: str) -> Part:
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)

    def zone(self, zone_id: str) -> Zone:
        for z in self.zones:
            if z.id == zone_id:
                return z
        raise KeyError(zone_id)

    def preset(self, preset_id: str) -> Preset:
        for p in self.presets:
            if p.id == preset_id:
                return p
        raise KeyError(preset_id)

    def material_ids(self) -> set[str]:
        """Every material id the product names: its parts', its groups' and its choices'."""
        used = {p.material for p in self.parts}
        used |= {g.material for g in self.options if g.material}
        used |= {c.material for g in self.options for c in g.choices if c.material}
        return used

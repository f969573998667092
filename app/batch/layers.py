"""Layered rendering: a few renders per base variant, composited into every configuration.

Option groups that change geometry (part swaps, transforms such as a lift kit) change what
occludes what, so their combinations are the base variants, rendered in full. A material group
whose parts no other material group touches is a layer: per base variant, one reference image
(the variant's closest-to-default valid configuration) and one image per other choice of the
group, with only that group changed.

The renderer shades each part from its own material and the lighting alone (no
inter-reflections; the ground shadow and what the parts hide of the studio from one another
depend on geometry only, app.viewport.environment_occlusion), and the supersampling filter is
linear, so a group's choice changes only the pixels its parts cover, partly covered edge pixels
in proportion to their coverage. A configuration's image is therefore

    reference + sum over layer groups of (layer image of its choice - reference),

computed per pixel in integers. Differences come from 8-bit rounding of each image and from
the filter's clipping at strong edges; tests/batch/test_layers.py measures them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from app.domain.configuration import Configuration, complete
from app.domain.product import OptionKind, Product
from app.domain.rules import find_valid_selections


@dataclass(frozen=True)
class LayerSplit:
    """Which option groups are layers and which make the base variants."""

    layer_groups: tuple[str, ...]
    base_groups: tuple[str, ...]


def split_groups(product: Product) -> LayerSplit:
    material = [g for g in product.options if g.kind is OptionKind.material]
    layers = []
    for group in material:
        others = {p for g in material if g.id != group.id for p in g.parts}
        if not others & set(group.parts):
            layers.append(group.id)
    base = tuple(g.id for g in product.options if g.id not in layers)
    return LayerSplit(tuple(layers), base)


@dataclass(frozen=True)
class LayeredImage:
    """What one configuration's image is composited from."""

    reference: Configuration
    layers: tuple[Configuration, ...]  # one per layer group whose choice differs


class LayerPlanner:
    """Reference and layer configurations of configurations, one reference per base variant."""

    def __init__(self, product: Product):
        self.product = product
        self.split = split_groups(product)
        self._references: dict[str, Configuration] = {}

    def reference(self, configuration: Configuration) -> Configuration:
        """The base variant's reference: base groups (and personalization) as in
        ``configuration``, layer groups as close to their defaults as the rules allow."""
        fixed = {g: configuration.selections[g] for g in self.split.base_groups}
        key = repr(sorted(fixed.items())) + configuration.model_dump_json(
            include={"personalization"})
        if key not in self._references:
            selections = find_valid_selections(self.product, fixed) or {
                **fixed, **{g: self.product.option(g).default_choice.id
                            for g in self.split.layer_groups}}
            colours = {g: c for g, c in configuration.colours.items()
                       if g in self.split.base_groups}
            self._references[key] = complete(
                configuration.model_copy(update={"selections": selections,
                                                 "colours": colours}), self.product)
        return self._references[key]

    def plan(self, configuration: Configuration) -> LayeredImage:
        configuration = complete(configuration, self.product)
        reference = self.reference(configuration)
        layers = []
        for group_id in self.split.layer_groups:
            choice = configuration.selections[group_id]
            colour = configuration.colours.get(group_id)
            if choice == reference.selections[group_id] and colour == reference.colours.get(
                    group_id):
                continue
            colours = {g: c for g, c in reference.colours.items() if g != group_id}
            if colour is not None:
                colours[group_id] = colour
            layers.append(reference.model_copy(update={
                "selections": {**reference.selections, group_id: choice},
                "colours": colours}))
        return LayeredImage(reference, tuple(layers))


def composite(reference: Image.Image, layers: Sequence[Image.Image]) -> Image.Image:
    """``reference + sum(layer - reference)``, per pixel and channel, clipped to 0..255."""
    base = np.asarray(reference, dtype=np.int32)
    total = base.copy()
    for layer in layers:
        if layer.size != reference.size or layer.mode != reference.mode:
            raise ValueError(f"layer {layer.mode} {layer.size} does not match the reference "
                             f"{reference.mode} {reference.size}")
        total += np.asarray(layer, dtype=np.int32) - base
    return Image.fromarray(np.clip(total, 0, 255).astype(np.uint8), reference.mode)

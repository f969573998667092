"""The light a rough metal loses to Mitsuba's single-scattering microfacets, given back.

Mitsuba's principled BSDF scatters once off the microfacets: a rough metal loses the light
that bounces between them (Blender's Cycles keeps it: multiple-scattering GGX; the live view's
split-sum tables come out near it too). The albedo it keeps, averaged over directions, for a
white metal at each roughness 0, 0.1, ... 1 (GGX, alpha = roughness^2, Smith shadowing;
tests/photoreal/test_rough_metals.py integrates it again); the lost light is given back by
scaling the metal's colour c so that its albedo is c kept + c^2 kept (1 - kept) / (1 - c (1 -
kept)): the light that leaves after each further bounce, each keeping c of it (Kulla and
Conty's, and Fdez-Aguera's, which VTK's split sum uses), so a white metal keeps all of it
and a dark one little. A part-metal surface shares its colour between the diffuse and the
metal lobes: the scale is then what gives the sum of the two the light the metal lobe lost.
"""

import numpy as np

SINGLE_SCATTER_ALBEDO = (1.0, 0.9995, 0.9939, 0.9761, 0.9393, 0.8788, 0.7969, 0.6977, 0.5865,
                         0.4781, 0.3769)


def multiple_scattering_gain(colour, roughness, metallic):
    """The factor on a metal's ``colour`` (linear, any shape) that gives back the light its
    single-scattering BSDF loses at ``roughness``; for ``metallic`` below 1, on the sum of
    its diffuse and metal lobes (0: none)."""
    if np.ndim(metallic) == 0 and metallic <= 0.0:
        return np.float32(1.0)  # no metal lobe, nothing lost (and no pass over the pixels)
    kept = np.interp(np.clip(roughness, 0.0, 1.0), np.linspace(0.0, 1.0, 11),
                     SINGLE_SCATTER_ALBEDO).astype(np.float32)
    metallic = np.clip(np.asarray(metallic, dtype=np.float32), 0.0, 1.0)
    colour = np.clip(np.asarray(colour, dtype=np.float32), 0.0, 1.0)
    # the light that leaves after k > 1 bounces between microfacets, kept (1 - kept)^(k-1) c^k,
    # summed, over what the colour c gives the two lobes: (1 - m) c + m c kept
    bounced = colour * kept * (1.0 - kept) / (1.0 - colour * (1.0 - kept))
    return 1.0 + metallic * bounced / ((1.0 - metallic) + metallic * kept)


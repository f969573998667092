"""Thin-film interference (KHR_materials_iridescence): the reflectance of a surface under a
film of dielectric a few hundred nanometres thick, as glTF defines it.

glTF's approximation of Belcour and Barla's model ("A Practical Extension to Microfacet
Theory for the Modeling of Varying Iridescence", 2017): Schlick's Fresnel at the film's two
interfaces (air to film, film to the base, whose index follows from its F0), the light that
bounces inside the film summed over two round trips, and the spectrum integrated analytically
against the CIE XYZ sensitivities (their Gaussian fit in Fourier space), then turned into
linear sRGB. The film's index goes to the outside's as the film thins to nothing, and no
film (a thickness of 0) is the bare surface.

``thin_film_reflectance`` is written once for numpy (the default) and for Dr.Jit (the still's
layer passes its functions), and mirrored in GLSL for the live view (``THIN_FILM_GLSL``).
"""

from __future__ import annotations

import math

from app.scene.array_ops import NUMPY

# CIE 1931 XYZ -> linear sRGB (Rec. 709 primaries, D65)
XYZ_TO_LINEAR_SRGB = ((3.2404542, -1.5371385, -0.4985314),
                      (-0.9692660, 1.8760108, 0.0415560),
                      (0.0556434, -0.2040259, 1.0572252))
# the XYZ sensitivities as Gaussians in Fourier space (amplitude, position, variance), and the
# second lobe of x's
_SENSITIVITY = ((5.4856e-13, 1.6810e06, 4.3278e09), (4.4201e-13, 1.7953e06, 9.3046e09),
                (5.2481e-13, 2.2084e06, 6.6121e09))
_X_SECOND_LOBE = (9.7470e-14, 2.2399e06, 4.5282e09)
_SENSITIVITY_NORM = 1.0685e-7
MAX_PHASE = 2e-4  # exp(-variance phase^2) < 1e-78 for every lobe (an OPD of about 32 um)
VANISHING_THICKNESS = 0.03  # nm: below it the film's index eases to the outside's
MAX_BASE_F0 = 0.9999  # the base's index from F0 = 1 would be infinite
COAT_IOR = 1.5  # glTF's clear coat


def _schlick(f0, cos_theta):
    return f0 + (1.0 - f0) * (1.0 - cos_theta) ** 5


def _sensitivity(phase, shifts, ops):
    """The spectrum's XYZ sensitivity at optical ``phase`` (2 pi OPD / nm), each channel
    shifted by its phase in ``shifts``, in linear sRGB (a tuple of three)."""
    # past MAX_PHASE every Gaussian is below anything a float holds; a film as thick as a
    # hostile file may ask for made the cosine's argument too large for float32 (NaN)
    phase = ops.clip(phase, 0.0, MAX_PHASE)
    xyz = []
    for (amplitude, position, variance), shift in zip(_SENSITIVITY, shifts, strict=True):
        xyz.append(amplitude * math.sqrt(2.0 * math.pi * variance)
                   * ops.cos(position * phase + shift) * ops.exp(-variance * phase * phase))
    amplitude, position, variance = _X_SECOND_LOBE
    xyz[0] = xyz[0] + (amplitude * math.sqrt(2.0 * math.pi * variance)
                       * ops.cos(position * phase + shifts[0])
                       * ops.exp(-variance * phase * phase))
    xyz = [v / _SENSITIVITY_NORM for v in xyz]
    return tuple(row[0] * xyz[0] + row[1] * xyz[1] + row[2] * xyz[2]
                 for row in XYZ_TO_LINEAR_SRGB)


def thin_film_reflectance(cos_theta, thickness, film_ior: float, base_f0, *,
                          outside_ior: float = 1.0, ops=NUMPY):
    """The reflectance (R, G, B: a tuple of three arrays) of a surface of head-on reflectance
    ``base_f0`` (three numbers or arrays; a metal's colour, a dielectric's F0) under a film of
    index ``film_ior`` and ``thickness`` nm, for light at ``cos_theta`` to the (micro)surface's
    normal coming from a medium of index ``outside_ior``. ``ops``: numpy's by default
    (``app.scene.array_ops``), the still's layer passes Dr.Jit's."""
    cos1 = ops.clip(cos_theta, 0.0, 1.0)
    eased = ops.clip(thickness / VANISHING_THICKNESS, 0.0, 1.0)
    film = outside_ior + (film_ior - outside_ior) * eased * eased * (3.0 - 2.0 * eased)
    cos2_squared = 1.0 - (outside_ior / film) ** 2 * (1.0 - cos1 * cos1)
    inside = cos2_squared > 0.0  # otherwise the light is totally reflected at the film
    cos2 = ops.sqrt(ops.maximum(cos2_squared, 0.0))
    # air (or the coat) to the film: reflected, and passed through twice
    r12 = _schlick(((film - outside_ior) / (film + outside_ior)) ** 2, cos1)
    t121 = 1.0 - r12
    phi21 = math.pi - ops.where(film < outside_ior, math.pi, 0.0)
    opd = 2.0 * film * thickness * cos2  # the optical path difference of one round trip, nm
    dc, amplitude, ratio, phase = [], [], [], []
    for f0 in base_f0:  # the film to the base, per channel
        root = ops.sqrt(ops.clip(f0, 0.0, MAX_BASE_F0))
        base_ior = (1.0 + root) / (1.0 - root)
        r23 = _schlick(((base_ior - film) / (base_ior + film)) ** 2, cos2)
        phase.append(phi21 + ops.where(base_ior < film, math.pi, 0.0))
        r123 = ops.clip(r12 * r23, 1e-5, 0.9999)
        reflected = t121 * t121 * r23 / (1.0 - r123)
        dc.append(r12 + reflected)
        amplitude.append(reflected - t121)
        ratio.append(ops.sqrt(r123))
    total = list(dc)
    for order in (1, 2):
        amplitude = [a * r for a, r in zip(amplitude, ratio, strict=True)]
        spectrum = _sensitivity(2.0 * math.pi * 1e-9 * order * opd,
                                tuple(order * p for p in phase), ops)
        total = [t + 2.0 * a * s for t, a, s in zip(total, amplitude, spectrum, strict=True)]
    # no film at all is the bare surface (Schlick's F0 of 0 is not 0 at grazing angles)
    # out-of-gamut colours of the spectrum's fit clamped to what a surface can reflect
    return tuple(ops.where(thickness > 0.0, ops.where(inside, ops.clip(t, 0.0, 1.0), 1.0),
                           _schlick(ops.clip(f0, 0.0, 1.0), cos1))
                 for t, f0 in zip(total, base_f0, strict=True))


def film_outside_ior(clearcoat: float) -> float:
    """The index of the medium over the film: air, or under a clear coat the coat's (1.5, as
    glTF's iridescence says). glTF mixes a partly coated material from the coated and the bare
    one by the coat's factor; the film is drawn once, under an index between the two by it."""
    return 1.0 + (COAT_IOR - 1.0) * min(max(float(clearcoat), 0.0), 1.0)


def film_thickness(thickness_range: tuple[float, float], fraction):
    """glTF's film thickness in nm: from the minimum to the maximum by ``fraction`` (the
    thickness texture's green, 0..1)."""
    low, high = thickness_range
    return low + (high - low) * fraction


# GLSL of thin_film_reflectance for the live view's fragment shader (the same steps)
THIN_FILM_GLSL = """
vec3 thinFilmSensitivity(float phase, vec3 shift)
{
  phase = min(phase, 2e-4);  // MAX_PHASE: past it every lobe is below what a float holds
  vec3 amplitude = vec3(5.4856e-13, 4.4201e-13, 5.2481e-13);
  vec3 position = vec3(1.6810e+06, 1.7953e+06, 2.2084e+06);
  vec3 variance = vec3(4.3278e+09, 9.3046e+09, 6.6121e+09);
  vec3 xyz = amplitude * sqrt(2.0 * 3.14159265 * variance) * cos(position * phase + shift)
    * exp(-variance * phase * phase);
  xyz.x += 9.7470e-14 * sqrt(2.0 * 3.14159265 * 4.5282e+09) * cos(2.2399e+06 * phase + shift.x)
    * exp(-4.5282e+09 * phase * phase);
  xyz /= 1.0685e-7;
  return mat3(3.2404542, -0.9692660, 0.0556434, -1.5371385, 1.8760108, -0.2040259,
              -0.4985314, 0.0415560, 1.0572252) * xyz;
}
vec3 thinFilmReflectance(float cos1, float thickness, float filmIor, vec3 baseF0,
                         float outsideIor)
{
  cos1 = clamp(cos1, 0.0, 1.0);
  if (thickness <= 0.0) { return baseF0 + (1.0 - baseF0) * pow(1.0 - cos1, 5.0); }
  float film = mix(outsideIor, filmIor, smoothstep(0.0, 0.03, thickness));
  float cos2Squared = 1.0 - (outsideIor * outsideIor / (film * film)) * (1.0 - cos1 * cos1);
  if (cos2Squared <= 0.0) { return vec3(1.0); }
  float cos2 = sqrt(cos2Squared);
  // squared by hand: pow() of a negative base is undefined
  float q0 = (film - outsideIor) / (film + outsideIor);
  float r0 = q0 * q0;
  float r12 = r0 + (1.0 - r0) * pow(1.0 - cos1, 5.0);
  float t121 = 1.0 - r12;
  float phi21 = 3.14159265 - (film < outsideIor ? 3.14159265 : 0.0);
  vec3 root = sqrt(clamp(baseF0, 0.0, 0.9999));
  vec3 baseIor = (1.0 + root) / (1.0 - root);
  vec3 q1 = (baseIor - film) / (baseIor + film);
  vec3 r1 = q1 * q1;
  vec3 r23 = r1 + (1.0 - r1) * pow(1.0 - cos2, 5.0);
  vec3 phase = vec3(phi21) + mix(vec3(0.0), vec3(3.14159265), lessThan(baseIor, vec3(film)));
  float opd = 2.0 * film * thickness * cos2;
  vec3 r123 = clamp(r12 * r23, 1e-5, 0.9999);
  vec3 reflected = t121 * t121 * r23 / (1.0 - r123);
  vec3 total = r12 + reflected;
  vec3 amplitude = reflected - t121;
  for (int order = 1; order <= 2; ++order) {
    amplitude *= sqrt(r123);
    total += 2.0 * amplitude * thinFilmSensitivity(
      2.0 * 3.14159265e-9 * float(order) * opd, float(order) * phase);
  }
  return clamp(total, 0.0, 1.0);
}
"""

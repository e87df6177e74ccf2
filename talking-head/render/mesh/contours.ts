// Closed contours and regions of MediaPipe's face mesh (the index lists of MediaPipe's face_mesh_connections,
// FACEMESH_FACE_OVAL, FACEMESH_LIPS, FACEMESH_LEFT_EYE / RIGHT_EYE, FACEMESH_*_EYEBROW), written as ordered loops.
// Right and left are the subject's (their right eye has x < 0), as in talking-head/face/canonical-mesh.ts.

/** The face's outer boundary, from the forehead top (10) over the subject's left side (x > 0), chin (152), back up. */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
  152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
] as const;

/** The inner lip line: right corner (78), along the upper lip to the left corner (308), back along the lower lip. */
export const INNER_LIPS = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95] as const;
/** How many leading entries of INNER_LIPS are the upper lip, corners included (78 ... 308). */
export const INNER_UPPER_LIP = 11;

/** The outer lip line (the lips' edge against the skin), from the right corner (61) along the lower lip. */
export const OUTER_LIPS = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185] as const;

/** The eyelid margins (the eye opening), from the outer corner along the upper lid to the inner corner and back. */
export const RIGHT_EYE_OPENING = [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7] as const;
export const LEFT_EYE_OPENING = [263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249] as const;

/** Eyebrow vertices (upper and lower edge of each brow). */
export const RIGHT_EYEBROW = [70, 63, 105, 66, 107, 55, 65, 52, 53, 46] as const;
export const LEFT_EYEBROW = [300, 293, 334, 296, 336, 285, 295, 282, 283, 276] as const;

/** Eye corners: outer, inner. */
export const RIGHT_EYE_CORNERS = [33, 133] as const;
export const LEFT_EYE_CORNERS = [263, 362] as const;

/** The middle of the forehead, above the brows (its depth places the back of the skull). */
export const FOREHEAD_CENTRE = 151;
export const CHIN = 152;

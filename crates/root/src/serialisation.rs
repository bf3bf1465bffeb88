//! The constants of ROOT's object serialisation, shared by the reader ([`crate::cursor`]) and the
//! writer ([`crate::write`]): one definition, so the two cannot drift apart.

/// Set in the first word of an object whose byte count follows in the other bits.
pub(crate) const BYTE_COUNT_MASK: u32 = 0x4000_0000;
/// Set in a class tag that refers to a class already written.
pub(crate) const CLASS_MASK: u32 = 0x8000_0000;
/// The tag announcing a class name written in full.
pub(crate) const NEW_CLASS_TAG: u32 = 0xFFFF_FFFF;
/// ROOT numbers positions in its reference map from 2 ("kMapOffset").
pub(crate) const MAP_OFFSET: u32 = 2;

//! Online story clustering (being written).

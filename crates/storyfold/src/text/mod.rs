//! Text preparation: normalization, boilerplate removal, segmentation, tokenization.

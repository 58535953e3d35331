//! Reading articles from JSONL, CSV and directories of text files.

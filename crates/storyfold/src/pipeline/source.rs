//! Where a pipeline's articles come from: an [`ArticleSource`] is an iterator of articles (or
//! of the errors that stop reading) that also counts the records it read and skipped.

use crate::ingest::{Article, IngestError, Reader, SkipReport};

/// Articles for a pipeline, in input order, with the counts its summary reports. A
/// [`Reader`] is one; [`articles`] makes one of articles in memory.
pub trait ArticleSource: Iterator<Item = Result<Article, IngestError>> {
    /// Records read so far, valid or not.
    fn read_count(&self) -> u64;
    /// What was skipped (and repaired) so far.
    fn skipped(&self) -> SkipReport;
}

impl ArticleSource for Reader {
    fn read_count(&self) -> u64 {
        Reader::read_count(self)
    }

    fn skipped(&self) -> SkipReport {
        Reader::skipped(self).clone()
    }
}

impl<S: ArticleSource + ?Sized> ArticleSource for &mut S {
    fn read_count(&self) -> u64 {
        (**self).read_count()
    }

    fn skipped(&self) -> SkipReport {
        (**self).skipped()
    }
}

/// Articles from memory as an [`ArticleSource`]: see [`articles`].
#[derive(Clone, Debug)]
pub struct Articles<I> {
    inner: I,
    read: u64,
}

/// Articles from memory as an [`ArticleSource`]: every article is read (none is skipped), and
/// its [`Article::seq`] becomes its position, which orders ties the way a file's order does.
pub fn articles<I: IntoIterator<Item = Article>>(articles: I) -> Articles<I::IntoIter> {
    Articles {
        inner: articles.into_iter(),
        read: 0,
    }
}

impl<I: Iterator<Item = Article>> Iterator for Articles<I> {
    type Item = Result<Article, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut article = self.inner.next()?;
        article.seq = self.read;
        self.read += 1;
        Some(Ok(article))
    }
}

impl<I: Iterator<Item = Article>> ArticleSource for Articles<I> {
    fn read_count(&self) -> u64 {
        self.read
    }

    fn skipped(&self) -> SkipReport {
        SkipReport::default()
    }
}

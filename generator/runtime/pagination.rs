// Paginated lists: a list operation's call (`PagedCall`) gains `.pages()` and `.items()`, lazy
// streams that fetch the next page only when the previous one has been consumed, each page with
// the call's per-call options. How the next page is asked for is the generated `Pager` of the
// operation (a page number or offset counted up, a cursor from the page, a URL from the page or
// from the `Link` header); the streams stop on an empty page, a missing cursor or link, `has_more:
// false` or a short page, and fail rather than loop when the server repeats a cursor.
//
// Written by hand on `futures_core::Stream` (no `async-stream` or `futures-util`): a page stream
// is one future at a time and a little state, and the generated crate then depends on the trait
// alone.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use reqwest::header::{self, HeaderMap};

use crate::client::{Call, Client, OperationInfo, PreparedRequest, Success};
use crate::error::Error;

/// The call of a paginated list operation: a [`Call`] (awaited, it answers the first page) that
/// also pages through the whole list with [`Call::pages`] and [`Call::items`].
pub type PagedCall<T, I> = Call<T, &'static Pager<T, I>>;

/// How the pages of one operation follow each other: generated per paginated operation.
pub struct Pager<T, I> {
    /// How the next page's request is made from the last one's.
    pub next: NextPage,
    /// The page's items, taken out of it (`None`: the page has none).
    pub items: fn(T) -> Option<Vec<I>>,
    /// How many items the page has.
    pub count: fn(&T) -> Option<usize>,
    /// The cursor or URL of the next page, as the page gives it.
    pub cursor: fn(&T) -> Option<String>,
    /// Whether the page says more pages follow (`has_more`), when it says.
    pub more: fn(&T) -> Option<bool>,
}

impl<T, I> fmt::Debug for Pager<T, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// How the next page is asked for.
#[derive(Debug, Clone, Copy)]
pub enum NextPage {
    /// A page number (plus one per page) or an offset (plus the page's item count) in the
    /// query parameter `param`; a page shorter than the page size (`limit`, else
    /// `default_limit`) is the last.
    Number {
        param: &'static str,
        offset: bool,
        limit: Option<&'static str>,
        default_limit: Option<u64>,
    },
    /// The page's cursor in the query parameter `param`. With `keep`, pages after the first
    /// send only those query parameters beside the cursor (Dropshot's rule: the token stands
    /// for the rest).
    Cursor {
        param: &'static str,
        keep: Option<&'static [&'static str]>,
    },
    /// The URL the page gives (absolute, or relative to the request's).
    Url,
    /// The URL of the `Link` response header's `rel="next"` (RFC 8288).
    Link,
}

/// A cursor's text, from the types a page's cursor field can have; `None` (and `""`) mean
/// there is no next page.
pub trait CursorValue {
    /// The text sent as the next page's cursor.
    fn cursor(&self) -> Option<String>;
}

impl CursorValue for String {
    fn cursor(&self) -> Option<String> {
        (!self.is_empty()).then(|| self.clone())
    }
}

impl CursorValue for f64 {
    fn cursor(&self) -> Option<String> {
        self.is_finite().then(|| self.to_string())
    }
}

macro_rules! integer_cursor {
    ($($ty:ty),*) => {$(
        impl CursorValue for $ty {
            fn cursor(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}
integer_cursor!(i8, i16, i32, i64, u8, u16, u32, u64);

impl<C: CursorValue> CursorValue for Option<C> {
    fn cursor(&self) -> Option<String> {
        self.as_ref()?.cursor()
    }
}

impl<C: CursorValue> CursorValue for Box<C> {
    fn cursor(&self) -> Option<String> {
        (**self).cursor()
    }
}

// The pieces of a `Pager` that most operations share, named once here rather than written in
// each generated pager.

/// No cursor in the page (page numbers, offsets, `Link` headers).
pub fn no_cursor<T>(_: &T) -> Option<String> {
    None
}

/// No `has_more` in the page.
pub fn no_more<T>(_: &T) -> Option<bool> {
    None
}

/// The page is the array of items.
pub fn whole<I>(page: Vec<I>) -> Option<Vec<I>> {
    Some(page)
}

/// How many items an array page has.
#[allow(clippy::ptr_arg)] // its type is `Pager::count`'s, `fn(&T)` with `T` the page
pub fn length<I>(page: &Vec<I>) -> Option<usize> {
    Some(page.len())
}

/// The text of a page's cursor field (what the generated `Pager::cursor` calls).
pub fn cursor<C: CursorValue + ?Sized>(value: &C) -> Option<String> {
    value.cursor()
}

impl<T: 'static, I: 'static> Call<T, &'static Pager<T, I>> {
    /// Every page of the list, each the operation's response, as a stream. Lazy: a page is
    /// requested when the previous one has been taken. Each request carries this call's
    /// per-call options. The stream ends after the last page, or with the first error.
    pub fn pages(self) -> Pages<T, I> {
        let (client, op, request, accept, finish, pager) = self.into_parts();
        Pages {
            client,
            op,
            accept,
            finish,
            pager,
            next: Some(request),
            sent: None,
            fetching: None,
            seen: HashSet::new(),
        }
    }

    /// Every item of every page, in order, as a stream (see [`Call::pages`]).
    pub fn items(self) -> Items<T, I> {
        Items {
            pages: self.pages(),
            buffer: Vec::new().into_iter(),
        }
    }
}

type Fetch = Pin<Box<dyn Future<Output = Result<Success, Error>> + Send>>;

/// The pages of a paginated list, a `Stream` of `Result<T, Error>`: from [`Call::pages`].
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T: 'static, I: 'static> {
    client: Client,
    op: &'static OperationInfo,
    accept: &'static str,
    finish: fn(u16, bytes::Bytes) -> Result<T, Error>,
    pager: &'static Pager<T, I>,
    /// The next page's request; `None` once the last page has been asked for.
    next: Option<Result<PreparedRequest, Error>>,
    /// The request in flight, kept to make the one after it.
    sent: Option<PreparedRequest>,
    fetching: Option<Fetch>,
    /// The cursors and URLs already asked for: one given again is an error, not a loop.
    seen: HashSet<String>,
}

// Nothing is pinned in place: the future in flight is boxed.
impl<T: 'static, I: 'static> Unpin for Pages<T, I> {}

impl<T: 'static, I: 'static> fmt::Debug for Pages<T, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &self.op.operation_id)
            .field("done", &(self.next.is_none() && self.fetching.is_none()))
            .finish_non_exhaustive()
    }
}

impl<T: 'static, I: 'static> futures_core::Stream for Pages<T, I> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.fetching.is_none() {
            match this.next.take() {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(request)) => {
                    this.sent = Some(request.clone());
                    let client = this.client.clone();
                    let (op, accept) = (this.op, this.accept);
                    this.fetching = Some(Box::pin(async move {
                        client.inner().send(op, request, accept).await
                    }));
                }
            }
        }
        let Some(fetching) = this.fetching.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match fetching.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        this.fetching = None;
        let sent = this.sent.take();
        let success = match result {
            Ok(success) => success,
            Err(error) => return Poll::Ready(Some(Err(error))),
        };
        let Success {
            status,
            headers,
            body,
            ..
        } = success;
        let page = match (this.finish)(status, body) {
            Ok(page) => page,
            Err(error) => {
                let error = this.client.with_response_head(error, headers);
                return Poll::Ready(Some(Err(error)));
            }
        };
        if let Some(sent) = sent {
            this.next = this.next_request(sent, &page, &headers).transpose();
        }
        Poll::Ready(Some(Ok(page)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.next.is_none() && self.fetching.is_none() {
            (0, Some(0))
        } else {
            (0, None)
        }
    }
}

impl<T: 'static, I: 'static> Pages<T, I> {
    /// The request of the page after `page` (which answered `sent`), or `None` when `page` is
    /// the last.
    fn next_request(
        &mut self,
        mut sent: PreparedRequest,
        page: &T,
        headers: &HeaderMap,
    ) -> Result<Option<PreparedRequest>, Error> {
        let pager = self.pager;
        let count = (pager.count)(page).unwrap_or(0);
        if count == 0 || (pager.more)(page) == Some(false) {
            return Ok(None);
        }
        match pager.next {
            NextPage::Number {
                param,
                offset,
                limit,
                default_limit,
            } => {
                let size = limit
                    .and_then(|limit| query_number(&sent, limit))
                    .or(default_limit);
                if size.is_some_and(|size| (count as u64) < size) {
                    return Ok(None);
                }
                let (start, step) = if offset { (0, count as u64) } else { (1, 1) };
                let current = query_number(&sent, param).unwrap_or(start);
                set_query(&mut sent, param, (current + step).to_string());
                Ok(Some(sent))
            }
            NextPage::Cursor { param, keep } => {
                let Some(cursor) = (pager.cursor)(page) else {
                    return Ok(None);
                };
                self.first_time(&cursor)?;
                if let Some(keep) = keep {
                    sent.query.retain(|(name, _)| keep.contains(&name.as_str()));
                }
                set_query(&mut sent, param, cursor);
                Ok(Some(sent))
            }
            NextPage::Url => match (pager.cursor)(page) {
                None => Ok(None),
                Some(url) => self.follow(sent, &url).map(Some),
            },
            NextPage::Link => match next_link(headers) {
                None => Ok(None),
                Some(url) => self.follow(sent, &url).map(Some),
            },
        }
    }

    /// `sent` sent to `url` instead (resolved against its own URL), which must be under the
    /// client's base URL: the request carries its credentials.
    fn follow(&mut self, mut sent: PreparedRequest, url: &str) -> Result<PreparedRequest, Error> {
        let current = self.client.inner().url(&sent, &[])?;
        let next = current.join(url).map_err(|e| {
            self.error(format!(
                "the next page's URL {url:?} is not a valid URL: {e}"
            ))
        })?;
        self.first_time(next.as_str())?;
        let base = self.client.base_url();
        let Some(path) = next
            .as_str()
            .strip_prefix(base)
            .filter(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
        else {
            return Err(self.error(format!(
                "the next page's URL {url:?} is not under the base URL {base:?}; it is not \
                 followed, since the request's credentials would go with it"
            )));
        };
        let path = path.split(['?', '#']).next().unwrap_or_default();
        sent.path = if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        };
        sent.query = next
            .query_pairs()
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        Ok(sent)
    }

    /// An error if the server has given this cursor or URL before.
    fn first_time(&mut self, cursor: &str) -> Result<(), Error> {
        if self.seen.insert(cursor.to_owned()) {
            Ok(())
        } else {
            Err(self.error(format!(
                "the server gave the next-page cursor {cursor:?} a second time; stopped rather \
                 than loop"
            )))
        }
    }

    fn error(&self, message: String) -> Error {
        Error::Pagination {
            operation_id: self.op.operation_id,
            message,
        }
    }
}

/// The value of query parameter `name`, read as a non-negative whole number.
fn query_number(request: &PreparedRequest, name: &str) -> Option<u64> {
    let (_, value) = request.query.iter().rev().find(|(n, _)| n == name)?;
    let number: f64 = value.trim().parse().ok()?;
    (number.fract() == 0.0 && (0.0..9.0e15).contains(&number)).then_some(number as u64)
}

/// Query parameter `name` set to `value` alone.
fn set_query(request: &mut PreparedRequest, name: &str, value: String) {
    request.query.retain(|(n, _)| n != name);
    request.query.push((name.to_owned(), value));
}

/// The target of the first `Link` header entry with `rel="next"` (RFC 8288), as written.
fn next_link(headers: &HeaderMap) -> Option<String> {
    for value in headers.get_all(header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        // `<url>; rel="next", <url>; rel="last"`: a comma inside `<...>` is part of the URL.
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('>') else { break };
            let target = &after[..close];
            let params_end = after[close..].find('<').map_or(after.len(), |i| close + i);
            // Up to the next link's `<`, without the `,` that separates them.
            let params = after[close + 1..params_end]
                .trim_end()
                .trim_end_matches(',');
            let is_next = params.split(';').any(|param| {
                let Some((key, value)) = param.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.trim().to_owned());
            }
            rest = &after[params_end..];
        }
    }
    None
}

/// The items of a paginated list, a `Stream` of `Result<I, Error>`: from [`Call::items`].
#[must_use = "streams do nothing unless polled"]
pub struct Items<T: 'static, I: 'static> {
    pages: Pages<T, I>,
    buffer: std::vec::IntoIter<I>,
}

// Nothing is pinned in place: items are moved out of the buffer, never pinned.
impl<T: 'static, I: 'static> Unpin for Items<T, I> {}

impl<T: 'static, I: 'static> fmt::Debug for Items<T, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<T: 'static, I: 'static> futures_core::Stream for Items<T, I> {
    type Item = Result<I, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => {
                    let items = (this.pages.pager.items)(page).unwrap_or_default();
                    this.buffer = items.into_iter();
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn link_headers() {
        let mut headers = HeaderMap::new();
        assert_eq!(next_link(&headers), None);
        headers.append(
            header::LINK,
            HeaderValue::from_static(
                r#"<https://api.github.com/repos?page=1>; rel="prev", <https://api.github.com/repos?a=1,2&page=3>; rel="next", <https://x/?page=9>; rel="last""#,
            ),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.github.com/repos?a=1,2&page=3")
        );
        let mut headers = HeaderMap::new();
        headers.append(header::LINK, HeaderValue::from_static("</a>; rel=prev"));
        headers.append(
            header::LINK,
            HeaderValue::from_static("</b>; title=\"x\"; REL=\"last next\""),
        );
        assert_eq!(next_link(&headers).as_deref(), Some("/b"));
        let mut headers = HeaderMap::new();
        headers.append(
            header::LINK,
            HeaderValue::from_static("</a>; rel=\"nextish\""),
        );
        assert_eq!(next_link(&headers), None);
    }

    #[test]
    fn cursors() {
        assert_eq!(cursor(&String::from("abc")).as_deref(), Some("abc"));
        assert_eq!(cursor(&String::new()), None);
        assert_eq!(cursor(&Some(42_u32)).as_deref(), Some("42"));
        assert_eq!(cursor(&None::<String>), None);
        assert_eq!(cursor(&f64::NAN), None);
        assert_eq!(cursor(&Box::new(7_i64)).as_deref(), Some("7"));
    }

    #[test]
    fn numbers_in_the_query() {
        let mut request = PreparedRequest::default();
        request.query.push(("page".into(), "2".into()));
        request.query.push(("size".into(), "2.0".into()));
        request.query.push(("bad".into(), "-1".into()));
        assert_eq!(query_number(&request, "page"), Some(2));
        assert_eq!(query_number(&request, "size"), Some(2));
        assert_eq!(query_number(&request, "bad"), None);
        set_query(&mut request, "page", "3".into());
        assert_eq!(query_number(&request, "page"), Some(3));
        assert_eq!(request.query.iter().filter(|(n, _)| n == "page").count(), 1);
    }
}

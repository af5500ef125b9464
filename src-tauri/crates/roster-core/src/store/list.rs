//! The user list at scale: pages, counts and downloads of a [`PageRequest`].

use std::borrow::Cow;

use super::UserRow;
use crate::error::Result;
use crate::model::Status;
use crate::users::list::PageRequest;

/// A listed user with the keys the list is ordered by.
#[derive(Debug, Clone)]
pub(crate) struct ListedUser {
    pub user: UserRow,
    pub name_key: String,
    pub email_key: String,
}

/// A page in list order, at most `limit` rows, and the number of matches when counting them
/// cost no more than the page (none for a search with many matches).
#[derive(Debug, Clone)]
pub(crate) struct ListedPage {
    pub rows: Vec<ListedUser>,
    pub matching: Option<i64>,
}

/// One user of a download.
#[derive(Debug, Clone)]
pub(crate) struct ExportUser<'a> {
    pub first_name: Cow<'a, str>,
    pub last_name: Cow<'a, str>,
    pub email: Cow<'a, str>,
    pub phone: Cow<'a, str>,
    pub is_super_user: bool,
    pub role_names: Option<Cow<'a, str>>,
    pub status: Status,
    pub created_at: &'a str,
    pub last_sign_in_at: Option<&'a str>,
}

/// Reading the user list.
#[async_trait::async_trait]
pub(crate) trait ListStore {
    /// One page of `request` in list order.
    async fn list_page(&mut self, request: &PageRequest<'_>) -> Result<ListedPage>;

    /// How many users match `request` (its cursor and limit ignored).
    async fn count_matching(&mut self, request: &PageRequest<'_>) -> Result<i64>;

    /// The number of matches and the longest first name, last name, email and phone among
    /// them, in characters: Excel's column widths.
    async fn longest_values(&mut self, request: &PageRequest<'_>) -> Result<(i64, [i64; 4])>;

    /// Every match of `request` in list order (its cursor and limit ignored), handed to
    /// `batch` a batch of up to `size` at a time; stops at the first error `batch` returns.
    async fn export_users(
        &mut self,
        request: &PageRequest<'_>,
        size: u32,
        batch: &mut (dyn for<'r> FnMut(Vec<ExportUser<'r>>) -> Result<()> + Send),
    ) -> Result<()>;
}

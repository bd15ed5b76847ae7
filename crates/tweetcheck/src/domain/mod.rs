//! The rules of tweets, independent of HTTP and SQL.

pub mod eta;
pub mod status;
pub mod tweet_body;
pub mod twitter_id;

pub use status::TweetStatus;

//! Who is calling: API tokens, the `Caller` extractor and password hashing.

pub mod caller;
pub mod csrf;
pub mod password;
pub mod session;
pub mod token;

pub use caller::{authenticate, AuthError, Caller, User};
pub use token::TokenCache;

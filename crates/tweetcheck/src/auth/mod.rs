//! Who is calling: API tokens, the `Caller` extractor and password hashing.

mod caller;
pub mod password;
pub mod token;

pub use caller::{authenticate, AuthError, Caller, User};
pub use token::TokenCache;

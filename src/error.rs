//! The SDK's errors: a stable [`ErrorCode`] (DESIGN §2) and the underlying cause, turned into a
//! JavaScript `BaasError` (or subclass) in one place, [`From<Error> for JsValue`].

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = baasError)]
    fn baas_error(code: &str, message: &str, cause: JsValue) -> JsValue;
}

/// The stable codes an SDK call can reject with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The server rejected or could not verify the credential or signature.
    VerifyFailed,
}

impl ErrorCode {
    /// The code as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyFailed => "VERIFY_FAILED",
        }
    }

    /// What to tell the user or developer.
    fn message(self) -> &'static str {
        match self {
            Self::VerifyFailed => {
                "The passkey could not be verified. Try again; if it keeps failing, create a new passkey."
            }
        }
    }
}

/// An SDK error: its code and what caused it (a DOMException, an HTTP status, a core code).
#[derive(Debug)]
pub struct Error {
    code: ErrorCode,
    cause: JsValue,
}

impl Error {
    /// An error with `code`, caused by `cause`.
    pub fn new(code: ErrorCode, cause: impl Into<JsValue>) -> Self {
        Self {
            code,
            cause: cause.into(),
        }
    }

    /// The error's code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// A core rejection of a credential the authenticator returned; the core's code is the cause.
    pub(crate) fn invalid_credential(error: baas_core::Error) -> Self {
        Self::new(ErrorCode::VerifyFailed, error.code())
    }
}

impl From<Error> for JsValue {
    fn from(error: Error) -> Self {
        baas_error(error.code.as_str(), error.code.message(), error.cause)
    }
}

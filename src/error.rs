//! The SDK's errors: a stable [`ErrorCode`] (DESIGN §2) and the underlying cause, turned into a
//! JavaScript `BaasError` (or subclass) in one place, [`From<Error> for JsValue`].

use std::borrow::Cow;

use wasm_bindgen::prelude::*;

use crate::js;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = baasError)]
    fn baas_error(code: &str, message: &str, cause: JsValue) -> JsValue;
}

/// The stable codes an SDK call can reject with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The user cancelled the passkey prompt, or it timed out.
    WalletConnectRejected,
    /// The challenge request failed; no prompt was shown.
    NonceFetchFailed,
    /// The server rejected or could not verify the credential or signature.
    VerifyFailed,
    /// A token refresh failed; when the server refused it, the session is cleared.
    RefreshFailed,
    /// The server does not know the passkey that signed.
    PasskeyNotFound,
    /// The authenticator already holds a passkey this browser created for the project.
    PasskeyAlreadyRegistered,
    /// No WebAuthn here, or not a secure context.
    PasskeyUnsupported,
    /// The RP ID is not valid for this page's origin.
    PasskeyDomainMismatch,
    /// The server's address is not the passkey's.
    AddressMismatch,
    /// Bad `createBaasClient` options.
    InvalidConfig,
    /// No wallet, or the object is not an EIP-1193 provider.
    WalletUnavailable,
    /// The wallet returned no account.
    WalletNoAccounts,
    /// The wallet already has a request open (-32002).
    WalletRequestPending,
    /// The wallet refused the method or account (4100).
    WalletUnauthorized,
    /// The wallet is disconnected from all chains or this chain (4900, 4901).
    WalletDisconnected,
}

impl ErrorCode {
    /// The code as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WalletConnectRejected => "WALLET_CONNECT_REJECTED",
            Self::NonceFetchFailed => "NONCE_FETCH_FAILED",
            Self::VerifyFailed => "VERIFY_FAILED",
            Self::RefreshFailed => "REFRESH_FAILED",
            Self::PasskeyNotFound => "PASSKEY_NOT_FOUND",
            Self::PasskeyAlreadyRegistered => "PASSKEY_ALREADY_REGISTERED",
            Self::PasskeyUnsupported => "PASSKEY_UNSUPPORTED",
            Self::PasskeyDomainMismatch => "PASSKEY_DOMAIN_MISMATCH",
            Self::AddressMismatch => "ADDRESS_MISMATCH",
            Self::InvalidConfig => "INVALID_CONFIG",
            Self::WalletUnavailable => "WALLET_UNAVAILABLE",
            Self::WalletNoAccounts => "WALLET_NO_ACCOUNTS",
            Self::WalletRequestPending => "WALLET_REQUEST_PENDING",
            Self::WalletUnauthorized => "WALLET_UNAUTHORIZED",
            Self::WalletDisconnected => "WALLET_DISCONNECTED",
        }
    }

    /// What to tell the user or developer.
    fn message(self) -> &'static str {
        match self {
            Self::WalletConnectRejected => {
                "The prompt was cancelled or timed out. Try again; if you have no passkey for this site yet, sign up first."
            }
            Self::NonceFetchFailed => {
                "Could not reach the sign-in server, so no passkey prompt was shown. Check your connection and try again."
            }
            Self::VerifyFailed => {
                "The server could not verify your passkey. Try again; if it keeps failing, contact the site's support."
            }
            Self::RefreshFailed => {
                "Your session could not be renewed. If you are offline, try again once connected; otherwise sign in again."
            }
            Self::PasskeyNotFound => {
                "There is no account for this passkey on this site. Sign up first, or choose another passkey."
            }
            Self::PasskeyAlreadyRegistered => {
                "You already have a passkey for this site. Sign in instead."
            }
            Self::PasskeyUnsupported => {
                "Passkeys are not available here. Use a browser with passkey support, on a page served over HTTPS (or localhost)."
            }
            Self::PasskeyDomainMismatch => {
                "This page's domain cannot use the project's passkeys. Check the project's RP ID and allowed origins."
            }
            Self::AddressMismatch => {
                "The server returned an address that does not belong to this passkey, so the session was not saved. Contact the site's support."
            }
            Self::InvalidConfig => "Invalid createBaasClient options:",
            Self::WalletUnavailable => {
                "No usable Ethereum wallet was found. Install or unlock a wallet extension, or pass its EIP-1193 provider."
            }
            Self::WalletNoAccounts => {
                "The wallet shared no account. Unlock it, choose an account, and try again."
            }
            Self::WalletRequestPending => {
                "Your wallet already has a request waiting. Open your wallet and answer it, then try again."
            }
            Self::WalletUnauthorized => {
                "The wallet refused this request for this site or account. Connect the account to this site in your wallet, then try again."
            }
            Self::WalletDisconnected => {
                "The wallet is not connected to a network. Reconnect it (or switch networks) and try again."
            }
        }
    }
}

/// An SDK error: its code, what caused it (a DOMException, an HTTP answer, a core code) and,
/// for some codes, a detail appended to the message.
#[derive(Debug)]
pub struct Error {
    code: ErrorCode,
    cause: JsValue,
    detail: Option<Cow<'static, str>>,
}

impl Error {
    /// An error with `code`, caused by `cause`.
    pub fn new(code: ErrorCode, cause: impl Into<JsValue>) -> Self {
        Self {
            code,
            cause: cause.into(),
            detail: None,
        }
    }

    /// The error's code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The error of a core rejection with `code`: the core's code is the cause, and its
    /// [`baas_core::Error::InvalidConfig`] reason is the detail.
    pub(crate) fn from_core(code: ErrorCode, error: baas_core::Error) -> Self {
        let detail = match error {
            baas_core::Error::InvalidConfig { reason } => Some(Cow::Borrowed(reason)),
            _ => None,
        };
        Self {
            detail,
            ..Self::new(code, error.code())
        }
    }

    /// Whether the cause is a `TimeoutError` (the prompt's deadline passed).
    pub(crate) fn is_timeout(&self) -> bool {
        js::get_string(&self.cause, "name").as_deref() == Some("TimeoutError")
    }

    /// `PASSKEY_DOMAIN_MISMATCH` naming the page's origin and the RP ID it was refused.
    pub(crate) fn domain_mismatch(exception: JsValue, origin: &str, rp_id: &str) -> Self {
        let detail = ["(page origin ", origin, ", RP ID ", rp_id, ")"].concat();
        Self {
            detail: Some(Cow::Owned(detail)),
            ..Self::new(ErrorCode::PasskeyDomainMismatch, exception)
        }
    }

    /// The error of a failed `navigator.credentials` call, from the DOMException's name.
    pub(crate) fn from_ceremony(exception: JsValue) -> Self {
        let code = match js::get_string(&exception, "name").as_deref() {
            Some("NotAllowedError" | "AbortError" | "TimeoutError") => {
                ErrorCode::WalletConnectRejected
            }
            Some("InvalidStateError") => ErrorCode::PasskeyAlreadyRegistered,
            Some("SecurityError") => ErrorCode::PasskeyDomainMismatch,
            Some("NotSupportedError") => ErrorCode::PasskeyUnsupported,
            _ => ErrorCode::VerifyFailed,
        };
        Self::new(code, exception)
    }
}

impl From<Error> for JsValue {
    fn from(error: Error) -> Self {
        let base = error.code.message();
        match &error.detail {
            Some(detail) => {
                let message = [base, " ", detail, "."].concat();
                baas_error(error.code.as_str(), &message, error.cause)
            }
            None => baas_error(error.code.as_str(), base, error.cause),
        }
    }
}

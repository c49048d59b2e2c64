//! Request extractors whose rejections are [`ApiError`]s: the JSON body, the project named by
//! the publishable key, and the bearer token.

use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{
    FromRequest, FromRequestParts, OptionalFromRequest, OptionalFromRequestParts, Request,
};
use axum::http::header::{AUTHORIZATION, ORIGIN};
use axum::http::request::Parts;
use baas_core::api::PUBLISHABLE_KEY_HEADER;
use serde::de::{
    Deserialize, DeserializeOwned, Deserializer, MapAccess, Visitor, value::MapAccessDeserializer,
};

use crate::AppState;
use crate::config::Project;
use crate::error::ApiError;

/// A JSON object body; malformed, mistyped or oversize bodies are [`ApiError`]s.
/// `Option<ApiJson<T>>` takes a body only when a `content-type` is sent.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Json(Object(value)) =
            <Json<Object<T>> as FromRequest<S>>::from_request(req, state).await?;
        Ok(Self(value))
    }
}

/// No body, or an empty one, is `None`.
impl<T: DeserializeOwned, S: Send + Sync> OptionalFromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, ApiError> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(JsonRejection::from)?;
        if bytes.is_empty() {
            return Ok(None);
        }
        let req = Request::from_parts(parts, Body::from(bytes));
        let value = <Json<Object<T>> as OptionalFromRequest<S>>::from_request(req, state).await?;
        Ok(value.map(|Json(Object(value))| Self(value)))
    }
}

/// `T` read from a JSON object only: serde would also build a struct from an array.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(std::marker::PhantomData))
            .map(Object)
    }
}

/// The project of the request's publishable key. Requests that carry an `Origin` header must
/// come from one of the project's origins.
#[derive(Debug, Clone)]
pub struct CurrentProject(pub Arc<Project>);

impl FromRequestParts<AppState> for CurrentProject {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let key = parts
            .headers
            .get(PUBLISHABLE_KEY_HEADER)
            .ok_or(ApiError::PublishableKeyMissing)?;
        let project = key
            .to_str()
            .ok()
            .and_then(|key| state.project(key))
            .ok_or(ApiError::PublishableKeyInvalid)?;
        if let Some(origin) = parts.headers.get(ORIGIN) {
            let allowed = origin
                .to_str()
                .is_ok_and(|origin| project.rp.origins.iter().any(|allowed| allowed == origin));
            if !allowed {
                return Err(ApiError::RequestOriginNotAllowed);
            }
        }
        Ok(Self(project))
    }
}

/// The token of an `Authorization: Bearer` header. `Option<Bearer>` accepts its absence; a
/// header of another scheme is [`ApiError::TokenInvalid`] either way.
#[derive(Debug, Clone)]
pub struct Bearer(pub String);

impl<S: Send + Sync> OptionalFromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, ApiError> {
        let Some(value) = parts.headers.get(AUTHORIZATION) else {
            return Ok(None);
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::TokenInvalid)?;
        Ok(Some(Self(token.to_owned())))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        <Self as OptionalFromRequestParts<S>>::from_request_parts(parts, state)
            .await?
            .ok_or(ApiError::TokenMissing)
    }
}

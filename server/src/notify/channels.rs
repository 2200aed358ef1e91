//! The gateways a message can leave through. Each adapter only shapes the
//! HTTP request its gateway expects; sending, timeouts and reading the
//! answer are the dispatcher's, the same for all.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// One message on its way out.
pub struct Outgoing<'a> {
    /// The notification's id: the idempotency key the gateway sees
    /// (`webhook-id`), the same on every attempt.
    pub id: &'a str,
    pub card_id: &'a str,
    pub moment: &'a str,
    /// `628…`
    pub phone: &'a str,
    pub message: &'a str,
    pub link: Option<&'a str>,
    /// Unix seconds of this attempt.
    pub timestamp: i64,
}

/// A gateway adapter: the request that hands one message to it.
pub trait Channel {
    fn request(&self, client: &reqwest::Client, msg: &Outgoing<'_>) -> reqwest::RequestBuilder;
}

/// The office's channel, if it sends through a gateway (`none` and
/// `manual` do not).
pub fn for_office(office: &crate::db::offices::Office) -> Option<Box<dyn Channel + Send + Sync>> {
    let url = office.notify_url.clone()?;
    let secret = office.notify_secret.clone().unwrap_or_default();
    match office.notify_channel.as_str() {
        "webhook" => Some(Box::new(Webhook { url, key: webhook_key(&secret).unwrap_or_default() })),
        "form" => Some(Box::new(Form { url, token: secret })),
        "whatsapp_cloud" => Some(Box::new(WhatsAppCloud { url, token: secret })),
        _ => None,
    }
}

/// The key of a Standard Webhooks secret (`whsec_` and base64).
pub fn webhook_key(secret: &str) -> Option<Vec<u8>> {
    let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
    base64::engine::general_purpose::STANDARD.decode(b64).ok().filter(|k| !k.is_empty())
}

/// `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    // HMAC accepts keys of any length.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// Any gateway that takes a signed JSON webhook (Standard Webhooks).
pub struct Webhook {
    pub url: String,
    pub key: Vec<u8>,
}

impl Channel for Webhook {
    fn request(&self, client: &reqwest::Client, msg: &Outgoing<'_>) -> reqwest::RequestBuilder {
        let at = chrono::DateTime::from_timestamp(msg.timestamp, 0).unwrap_or_default();
        let body = serde_json::json!({
            "type": format!("card.{}", msg.moment),
            "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "data": {"card_id": msg.card_id, "phone": msg.phone, "message": msg.message, "link": msg.link},
        })
        .to_string();
        client
            .post(&self.url)
            .header("content-type", "application/json")
            .header("webhook-id", msg.id)
            .header("webhook-timestamp", msg.timestamp.to_string())
            .header("webhook-signature", sign(&self.key, msg.id, msg.timestamp, &body))
            .body(body)
    }
}

/// The form POST most Indonesian WhatsApp/SMS gateways take: the token in
/// the `Authorization` header, `target` and `message` fields.
pub struct Form {
    pub url: String,
    pub token: String,
}

impl Channel for Form {
    fn request(&self, client: &reqwest::Client, msg: &Outgoing<'_>) -> reqwest::RequestBuilder {
        client
            .post(&self.url)
            .header("authorization", &self.token)
            .header("idempotency-key", msg.id)
            .form(&[("target", msg.phone), ("message", msg.message)])
    }
}

/// The WhatsApp Cloud API: a template message (`antar_<moment>`, Indonesian)
/// whose one body parameter is the rendered text. `url` is the phone
/// number's messages endpoint, e.g. `https://graph.facebook.com/v21.0/<id>/messages`.
pub struct WhatsAppCloud {
    pub url: String,
    pub token: String,
}

impl Channel for WhatsAppCloud {
    fn request(&self, client: &reqwest::Client, msg: &Outgoing<'_>) -> reqwest::RequestBuilder {
        let body = serde_json::json!({
            "messaging_product": "whatsapp",
            "to": msg.phone,
            "type": "template",
            "biz_opaque_callback_data": msg.id,
            "template": {
                "name": format!("antar_{}", msg.moment),
                "language": {"code": "id"},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": msg.message}]}],
            },
        });
        client.post(&self.url).bearer_auth(&self.token).json(&body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks specification's own test vector.
    #[test]
    fn signing_matches_the_standard_webhooks_test_vector() {
        let key = webhook_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let sig = sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, r#"{"test": 2432232314}"#);
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_secret_that_is_not_base64_has_no_key() {
        assert!(webhook_key("whsec_not base64!").is_none());
        assert!(webhook_key("whsec_").is_none());
    }
}

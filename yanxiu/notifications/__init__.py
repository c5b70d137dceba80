"""In-app notifications (站内通知) any app can send, e-mailed too where the user has an address."""

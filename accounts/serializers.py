"""Request and response shapes of the token endpoint (docs/api-guide.md "Basics")."""

from __future__ import annotations

from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=64,
        required=False,
        help_text="Code from the authenticator app, or a recovery code: for accounts with two-factor login.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()

package io.aqueduct.rtmp.internal.amf0;
final class Placeholder {}

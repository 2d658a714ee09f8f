/**
 * AMF0, the value encoding of RTMP commands and data messages ({@code connect}, {@code publish},
 * {@code onMetaData}, status events).
 *
 * <p>Java mapping, the same both ways: Number ⇄ {@link java.lang.Double} (any {@link java.lang.Number} is
 * written as a Number), Boolean ⇄ {@link java.lang.Boolean}, String and Long String ⇄ {@link java.lang.String}
 * (the writer picks Long String above 65535 UTF-8 bytes), Object ⇄ {@link java.util.LinkedHashMap}, ECMA Array
 * ⇄ {@link io.aqueduct.rtmp.internal.amf0.Amf0EcmaArray}, Strict Array ⇄ {@link java.util.List}, Date ⇄
 * {@link io.aqueduct.rtmp.internal.amf0.Amf0Date}, Null ⇄ {@code null}, Undefined ⇄
 * {@link io.aqueduct.rtmp.internal.amf0.Amf0#UNDEFINED}. References, typed objects, XML documents, record
 * sets and the AMF3 switch are refused with an {@link io.aqueduct.rtmp.internal.amf0.Amf0Exception}: RTMP
 * encoders do not send them in the commands we serve.
 *
 * @see <a href="https://rtmp.veriskope.com/pdf/amf0-file-format-specification.pdf">Action Message Format -- AMF 0</a>
 */
package io.aqueduct.rtmp.internal.amf0;

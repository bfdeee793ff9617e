import type { AttributeType } from "../vector-layer.js";

/** GeoNode's `attribute_type` (the XSD type GeoServer describes a feature type's field with). */
const XSD: Readonly<Record<AttributeType, string>> = {
  Integer: "xsd:int",
  Real: "xsd:double",
  String: "xsd:string",
  Date: "xsd:date",
  DateTime: "xsd:dateTime",
  Boolean: "xsd:boolean",
};

/** The XSD type of a GDAL-style attribute type. */
export function xsdType(type: AttributeType): string {
  return XSD[type];
}

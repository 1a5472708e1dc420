import type { FieldTypeDef } from './field-type.js';

/** A point on earth: latitude and longitude in degrees (two double precision columns). */
export const geolocation: FieldTypeDef = {
  columns: () => [
    { part: 'latitude', sqlType: 'double precision' },
    { part: 'longitude', sqlType: 'double precision' },
  ],
  settings: {},
  valueSchema: () => ({
    type: 'object',
    additionalProperties: false,
    required: ['latitude', 'longitude'],
    properties: {
      latitude: { type: 'number', minimum: -90, maximum: 90 },
      longitude: { type: 'number', minimum: -180, maximum: 180 },
    },
  }),
  value: { operators: ['isNull'], groupable: false, aggregates: [], csv: 'json' },
  sortable: false,
  toColumns: (v) => {
    const point = v as { latitude: number; longitude: number };
    return [point.latitude, point.longitude];
  },
  fromColumns: ([latitude, longitude]) => (latitude == null ? null : { latitude, longitude }),
  jsonSql: ([lat, lng]) => ({
    sql: "case when ?? is null then null else json_build_object('latitude', ??, 'longitude', ??) end",
    bindings: [lat, lat, lng],
  }),
  widget: 'geolocation',
};

export * from './scores';
export * from './calibration';
export * from './summary';
export * from './correlation';

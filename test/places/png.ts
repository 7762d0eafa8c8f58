/** The floor plan PNG drawn in code lives with the demo (which shows it); the tests draw the same. */
export { floorPlanPng, JPEG_HEAD } from '../../api/demo/floor-plan-png.ts';

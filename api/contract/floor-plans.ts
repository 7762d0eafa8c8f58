/** The JSON shapes of the floor-plan routes (types only: the console imports this file). */

export interface PlacedCounter {
  counterId: string;
  /** Fractions of the image's width and height, 0..1 from the top left corner. */
  x: number;
  y: number;
}

export interface FloorPlanView {
  siteId: string;
  floor: string;
  contentType: string;
  byteSize: number;
  sha256: string;
  updatedAt: string;
  /** Same-origin path of the image (cookie session); changes when the image changes. */
  imageUrl: string;
  counters: PlacedCounter[];
}

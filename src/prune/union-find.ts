/** Union-find over channel elements (ints), grown as spaces are created. */
export class UnionFind {
  private parent = new Int32Array(1024);
  private size = 0;

  /** Reserves `n` new elements and returns the first id. */
  add(n: number): number {
    const base = this.size;
    if (base + n > this.parent.length) {
      const grown = new Int32Array(Math.max(this.parent.length * 2, base + n));
      grown.set(this.parent.subarray(0, base));
      this.parent = grown;
    }
    for (let i = base; i < base + n; i++) this.parent[i] = i;
    this.size += n;
    return base;
  }

  find(x: number): number {
    const p = this.parent;
    let r = x;
    while (p[r] !== r) r = p[r];
    while (p[x] !== r) {
      const next = p[x];
      p[x] = r;
      x = next;
    }
    return r;
  }

  union(a: number, b: number): void {
    const ra = this.find(a),
      rb = this.find(b);
    // The smaller id stays root: components are then named by their earliest element.
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }

  get count(): number {
    return this.size;
  }
}

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-report.py --out DIR [settings] BOOT...: the host half of make bench
# (scripts/bench.sh). Each BOOT is the path prefix of one boot's files:
# BOOT.out, the guest job's output with one "@bench {json}" line per figure
# from tools/remap_pfn_bench, and BOOT.boot, what the host knows of the
# boot. Prints one table, writes DIR/results.json, DIR/table.txt and
# DIR/cost-per-page.png (gnuplot), and exits 1 when a boot failed, a figure
# is missing or the plot could not be drawn.
#
# Driver series are named after the allocator, plus any extra module
# parameters ("vmalloc map=pages"); "baseline", "anon" and "memfd" are the
# anchors, measured again in every boot. Ratios compare a driver series
# with the anchors of its own boot; the anchor rows of the table pool the
# runs of every boot.
import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys

ANCHORS = ['baseline', 'anon', 'memfd']
ANCHOR_LABEL = {
    'baseline': 'vmalloc memory mapped with one remap_pfn_range() per page',
    'anon': 'MAP_SHARED|MAP_ANONYMOUS',
    'memfd': 'a memfd of the same size, fallocate()d first',
}
PLOT_LABEL = {
    'baseline': 'baseline (remap_pfn_range per page)',
    'anon': 'anon MAP_SHARED|MAP_ANONYMOUS',
    'memfd': 'memfd, fallocate()d',
}
MAP_METRICS = [('map_touch', 'mmap+touch'), ('map_populate', 'populate'),
               ('munmap', 'munmap')]
# the driver's own series only: the same buffer mapped through a dma-buf
DRIVER_MAP_METRICS = [('dmabuf_map_touch', 'dma-buf mmap+touch')]
DATA_METRICS = [('memcpy_in', 'memcpy in'), ('write', 'write()'),
                ('memcpy_out', 'memcpy out'), ('read', 'read()'),
                ('handoff', 'handoff'), ('pipe', 'pipe')]
KMALLOC_MAX = 4 << 20


def size_name(n):
    for unit, shift in (('G', 30), ('M', 20), ('K', 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return '%d%s' % (n >> shift, unit)
    return str(n)


def parse_size(s):
    shift = {'K': 10, 'M': 20, 'G': 30}.get(s[-1:], 0)
    return int(s[:-1] if shift else s) << shift


def num(v):
    if v >= 100:
        return '%d' % round(v)
    if v >= 10:
        return '%.1f' % v
    return '%.2f' % v


def cell(fig):
    if not fig:
        return '-'
    return '%s [%s-%s]' % (num(fig['median']), num(fig['min']), num(fig['max']))


def grid(rows, indent=''):
    """Rows of cells as left-aligned columns two blanks apart."""
    widths = [max(len(r[i]) for r in rows if i < len(r))
              for i in range(max(len(r) for r in rows))]
    return [indent + '  '.join(c.ljust(widths[i])
                               for i, c in enumerate(r)).rstrip()
            for r in rows]


def pooled(figs):
    """One figure from several boots' figures: all their runs together."""
    if not figs:
        return None
    runs = [r for f in figs for r in f['runs']]
    return {'median': statistics.median(runs), 'min': min(runs),
            'max': max(runs), 'runs': runs, 'boots': len(figs)}


def is_driver(series):
    return series not in ANCHORS


def config_of(series):
    return series.split(' ', 1)[1] if ' ' in series else ''


class Figures:
    def __init__(self, records):
        self.idx = {}
        for r in records:
            self.idx[(r['boot'], r['series'], r['test'], r['size'],
                      r['metric'])] = r

    def get(self, series, metric, size, boot=None, test='map'):
        """The figure of a driver series, or of an anchor pooled over all
        boots (or of the one @boot)."""
        figs = [r for (b, s, t, z, m), r in self.idx.items()
                if s == series and t == test and z == size and m == metric and
                (boot is None or b == boot)]
        if is_driver(series) or boot is not None:
            return figs[0] if figs else None
        return pooled(figs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    for opt in ('mode', 'kernel', 'qemu', 'accel', 'smp', 'mem', 'qemu-args',
                'runs', 'data', 'data-size', 'block', 'seconds', 'sizes',
                'configs', 'huge-pfnmap'):
        ap.add_argument('--' + opt, default='')
    ap.add_argument('boots', nargs='+')
    args = ap.parse_args()

    records, boots, problems = [], [], []
    for prefix in args.boots:
        with open(prefix + '.boot') as f:
            boot = json.load(f)
        boots.append(boot)
        with open(prefix + '.out', errors='replace') as f:
            for line in f:
                if line.startswith('@bench '):
                    rec = json.loads(line[len('@bench '):])
                    rec['boot'] = boot['boot']
                    records.append(rec)
        if boot['status'] != 0:
            problems.append('boot "%s" failed with status %s'
                            % (boot['boot'], boot['status']))
    figs = Figures(records)

    icount = args.mode == 'icount'
    unit = 'guest instructions' if icount else 'guest wall-clock ns'
    date = datetime.date.today().isoformat()
    block = parse_size(args.block or '1M')
    data_size = parse_size(args.data_size or '4M')
    want_sizes = [parse_size(s) for s in args.sizes.split()]
    configs = args.configs.split(';') if args.configs else ['']

    # Every figure the boots should have produced
    series_order = []
    for boot in boots:
        for a in boot['boot'].split():
            for c in configs:
                # refused at load by the driver (scripts/bench.sh: refused)
                if a == 'kmalloc' and 'map=pages' in c.split():
                    continue
                s = (a + ' ' + c).strip()
                series_order.append(s)
                for z in want_sizes:
                    if a == 'kmalloc' and z > KMALLOC_MAX:
                        continue
                    for who in [s] + ANCHORS:
                        for m, _ in MAP_METRICS:
                            if not figs.get(who, m, z, boot['boot']):
                                problems.append('no %s figure for %s at %s'
                                                % (m, who, size_name(z)))
                    for m, _ in DRIVER_MAP_METRICS:
                        if not figs.get(s, m, z, boot['boot']):
                            problems.append('no %s figure for %s at %s'
                                            % (m, s, size_name(z)))
                for m, _ in DATA_METRICS:
                    # the data path runs with the first configuration only
                    if c == configs[0] and not figs.get(s, m, data_size,
                                                        test='data'):
                        problems.append('no %s figure for %s' % (m, s))
    boot_of = {}
    for r in records:
        boot_of.setdefault(r['series'], r['boot'])
    sizes = sorted({r['size'] for r in records if r['test'] == 'map'})

    # ---- ratios: medians, driver over what it is compared with ----
    ratios = []

    def ratio(series, what, size, a, b, goal=None):
        if not a or not b or not b['median']:
            return
        v = a['median'] / b['median']
        ratios.append({'series': series, 'ratio': what, 'size': size,
                       'value': v, 'goal_max': goal,
                       'met': None if goal is None else v <= goal})

    def ref_of(s):
        # contiguous memory mapped the same way (the first configuration's
        # way where kmalloc has no such series): the cost that
        # non-contiguous memory should come close to
        same = ('kmalloc ' + config_of(s)).strip()
        if same in series_order:
            return same
        return ('kmalloc ' + configs[0]).strip()

    for s in series_order:
        boot = boot_of.get(s)
        kmalloc = ref_of(s)
        goal = None if s.startswith('kmalloc') else 1.5
        for z in sizes:
            touch = figs.get(s, 'map_touch', z)
            ratio(s, 'mmap+touch / anon POPULATE', z, touch,
                  figs.get('anon', 'map_populate', z, boot), 0.25)
            ratio(s, 'mmap+touch / memfd POPULATE', z, touch,
                  figs.get('memfd', 'map_populate', z, boot), 0.25)
            ratio(s, 'mmap+touch / baseline', z, touch,
                  figs.get('baseline', 'map_touch', z, boot),
                  1 / 3 if s.startswith('vmalloc') and z == 64 << 20
                  else None)
            if s != kmalloc:
                ratio(s, 'mmap+touch / ' + kmalloc, z, touch,
                      figs.get(kmalloc, 'map_touch', z), goal)
                ratio(s, 'munmap / %s munmap' % kmalloc, z,
                      figs.get(s, 'munmap', z),
                      figs.get(kmalloc, 'munmap', z), goal)

        def d(m):
            return figs.get(s, m, data_size, test='data')
        # one copy either way: about 1 by construction, so no goal
        ratio(s, 'memcpy in / write()', data_size, d('memcpy_in'),
              d('write'))
        ratio(s, 'memcpy out / read()', data_size, d('memcpy_out'),
              d('read'))
        ratio(s, 'handoff / pipe', data_size, d('handoff'), d('pipe'), 0.5)

    # ---- absolute goals: PMD entries, where the kernel has them ----
    # alloc_pages in map=pfn with huge entries on (the driver's default),
    # at 64M and 256M: instructions per page, mmap()+touch and munmap()
    per_page = []
    if args.huge_pfnmap == '1':
        for s in series_order:
            words = s.split()
            if (words[0] != 'alloc_pages' or 'map=pages' in words or
                    'huge=0' in words or 'huge=N' in words):
                continue
            for z in (64 << 20, 256 << 20):
                for m, label, goal in (('map_touch', 'mmap+touch', 10),
                                       ('munmap', 'munmap', 5)):
                    fig = figs.get(s, m, z)
                    if not fig:
                        continue
                    v = fig['median']
                    r = {'series': s, 'ratio': label + ' per page',
                         'size': z, 'value': v, 'goal_max': goal,
                         'met': v <= goal}
                    ratios.append(r)
                    per_page.append(r)

    def rcell(r):
        if not r:
            return '-'
        return num(r['value']) + ('!' if r['met'] is False else '')

    def find(s, what, z):
        for r in ratios:
            if r['series'] == s and r['ratio'] == what and r['size'] == z:
                return r
        return None

    # ---- the table ----
    out = []
    p = out.append
    p('make bench, %s: %s mode, kernel %s, %s' % (
        date, args.mode, args.kernel,
        args.qemu.replace('QEMU emulator version', 'QEMU')))
    if icount:
        p('QEMU -accel tcg %s -smp %s -m %s: the guest clock advances 1 ns'
          ' per guest instruction,' % (args.qemu_args, args.smp, args.mem))
        p('so every figure counts GUEST INSTRUCTIONS ("icount ns"), the same'
          ' on any host; it is')
        p('not time on any real machine (a cache miss and a register move'
          ' both count 1).')
    else:
        p('QEMU -accel %s -smp %s -m %s: wall-clock ns seen in the guest; they'
          ' depend on the host,' % (args.accel, args.smp, args.mem))
        p('its load and (under TCG) the emulator; not time on a real'
          ' machine.')
    p('Each cell: median [min-max] of %s, after one more run that was'
      ' discarded.' % runs_text(records, args.runs))
    p('')
    p('Mapping cost per 4 KiB page, %s (lower is better):' % unit)
    p('mmap+touch: mmap(), then write one byte per page; populate: mmap()'
      ' with MAP_POPULATE;')
    p('munmap: of the mapping mmap+touch filled; dma-buf mmap+touch: the'
      ' same through a dma-buf')
    p('of the whole buffer (REMAP_PFN_IOC_EXPORT). The driver in each'
      ' configuration, and')
    for a in ANCHORS:
        p('  %-9s%s' % (a, ANCHOR_LABEL[a]))
    rows = [['series', 'operation'] + [size_name(z) for z in sizes]]
    for s in series_order + ANCHORS:
        label = s
        metrics = MAP_METRICS + (DRIVER_MAP_METRICS if is_driver(s) else [])
        for i, (m, mlabel) in enumerate(metrics):
            rows.append([label if not i else '', mlabel] +
                        [cell(figs.get(s, m, z)) for z in sizes])
    out += grid(rows)
    p('')
    p('Data path: %s per run in %s blocks through a %s driver buffer, in'
      ' thousands of' % (args.data, size_name(block), size_name(data_size)))
    p('%s per block. handoff: a producer process memcpy()s each block'
      ' into a slot' % unit)
    p('of the mapping, a consumer process reads (sums) it in place, with'
      ' one-byte doorbells')
    p('on a pipe each way (no futex); pipe: write() of the same blocks into'
      ' a pipe sized to')
    p('one block, read() and sum.')
    data_series = [s for s in series_order
                   if figs.get(s, 'memcpy_in', data_size, test='data')]

    def kcell(fig):
        if not fig:
            return '-'
        return '%.1f [%.1f-%.1f]' % (fig['median'] / 1000, fig['min'] / 1000,
                                     fig['max'] / 1000)
    rows = [['data path'] + ['driver ' + s for s in data_series]]
    for m, label in DATA_METRICS:
        rows.append([label] + [kcell(figs.get(s, m, data_size, test='data'))
                               for s in data_series])
    out += grid(rows)
    p('')
    p('Ratios of medians, driver over the comparison (< 1: the driver is'
      ' cheaper), anchors from')
    p('the same boot; "!" marks a missed goal.')
    rows = [['series', 'ratio'] + [size_name(z) for z in sizes] + ['goal']]
    for s in series_order:
        ref = ref_of(s)
        for what in ('mmap+touch / anon POPULATE', 'mmap+touch / memfd POPULATE',
                     'mmap+touch / baseline', 'mmap+touch / ' + ref,
                     'munmap / %s munmap' % ref):
            rs = [find(s, what, z) for z in sizes]
            if not any(rs):
                continue
            goals = sorted({(r['goal_max'], r['size']) for r in rs
                            if r and r['goal_max'] is not None})
            if not goals:
                goal = ''
            elif len(goals) == len([r for r in rs if r]):
                goal = '<= %.2g' % goals[0][0]
            else:
                goal = '; '.join('<= %.2g at %s' % (g, size_name(z))
                                 for g, z in goals)
            rows.append([s, what] + [rcell(r) for r in rs] + [goal])
    out += grid(rows)
    p('')
    rows = [['series', 'memcpy in / write()', 'memcpy out / read()',
             'handoff / pipe']]
    for s in data_series:
        rows.append([s] + [rcell(find(s, w, data_size)) for w in
                           ('memcpy in / write()', 'memcpy out / read()',
                            'handoff / pipe')])
    rows.append(['goal', '-', '-', '<= 0.5'])
    out += grid(rows)
    if per_page:
        p('')
        p('Per-page goals with PMD entries (this kernel maps special PFNs'
          ' at PMD level), %s:' % unit)
        rows = [['series', 'operation', 'size', 'median', 'goal']]
        for r in per_page:
            rows.append([r['series'], r['ratio'], size_name(r['size']),
                         num(r['value']) + ('!' if not r['met'] else ''),
                         '<= %g' % r['goal_max']])
        out += grid(rows)
    missed = [r for r in ratios if r['met'] is False]
    met = [r for r in ratios if r['met'] is True]
    p('')
    p('Goals: %d met, %d missed.' % (len(met), len(missed)))
    table = '\n'.join(out)
    print(table)

    # ---- the plot ----
    os.makedirs(args.out, exist_ok=True)
    png = os.path.join(args.out, 'cost-per-page.png')
    try:
        draw(args.out, png, figs, series_order, sizes, unit, args.mode, date)
    except RuntimeError as e:
        problems.append(str(e))

    # ---- results.json and the table ----
    results = {
        'date': date,
        'mode': args.mode,
        'unit': unit,
        'kernel': args.kernel,
        'qemu': args.qemu,
        'qemu_args': args.qemu_args,
        'accel': args.accel,
        'smp': int(args.smp or 0),
        'mem': args.mem,
        'runs': int(args.runs or 0),
        'discarded_first_runs': 1,
        'data_bytes_per_run': parse_size(args.data) if args.data else None,
        'data_buffer_bytes': data_size,
        'block_bytes': block,
        'total_seconds': int(args.seconds or 0),
        'boots': boots,
        'figures': records,
        'ratios': ratios,
        'problems': problems,
    }
    with open(os.path.join(args.out, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
        f.write('\n')
    with open(os.path.join(args.out, 'table.txt'), 'w') as f:
        f.write(table + '\n')

    print('')
    print('Wrote %s, %s and %s' % (os.path.join(args.out, 'results.json'),
                                   os.path.join(args.out, 'table.txt'), png))
    for pr in problems:
        print('bench-report.py: %s' % pr, file=sys.stderr)
    return 1 if problems else 0


def runs_text(records, runs):
    """How many runs the figures have: "5 runs (3 for 64M, the data path)"."""
    main = int(runs or 0)
    other = {}
    for r in records:
        n = len(r['runs'])
        if n != main:
            what = size_name(r['size']) if r['test'] == 'map' else 'the data path'
            other.setdefault(n, [])
            if what not in other[n]:
                other[n].append(what)
    text = '%d runs' % main
    for n, whats in sorted(other.items()):
        text += ' (%d for %s)' % (n, ', '.join(whats))
    return text


COLORS = {'kmalloc': '#7b2fbe', 'vmalloc': '#1f77b4', 'alloc_pages': '#e07b00',
          'baseline': '#d62728', 'anon': '#000000', 'memfd': '#2ca02c'}


def style(series, series_order):
    """Line colour by allocator or anchor, dashes by driver configuration."""
    name = series.split(' ', 1)[0]
    if not is_driver(series):
        return COLORS[name], 2, 6
    configs = []
    for s in series_order:
        if config_of(s) not in configs:
            configs.append(config_of(s))
    k = configs.index(config_of(series))
    return COLORS.get(name, '#777777'), (1, 4, 5, 3)[k % 4], 7 + 2 * k


def draw(outdir, png, figs, series_order, sizes, unit, mode, date):
    """Cost per page against size, one line per series, with gnuplot."""
    if not shutil.which('gnuplot'):
        raise RuntimeError('gnuplot is missing (scripts/deps.sh installs'
                           ' gnuplot-nox)')
    plotdir = os.path.join(outdir, 'plot')
    os.makedirs(plotdir, exist_ok=True)
    panels = [('map', 'mmap + touch every page (driver, baseline);'
                      ' mmap with MAP_POPULATE (anon, memfd)'),
              ('munmap', 'munmap')]
    plots = {'map': [], 'munmap': []}
    for i, s in enumerate(series_order + ANCHORS):
        for panel in plots:
            metric = panel if panel == 'munmap' else (
                'map_populate' if s in ('anon', 'memfd') else 'map_touch')
            pts = [(z, figs.get(s, metric, z)) for z in sizes]
            pts = [(z, f) for z, f in pts if f]
            if not pts:
                continue
            fn = os.path.join(plotdir, '%s-%d.dat' % (panel, i))
            with open(fn, 'w') as f:
                for z, fg in pts:
                    f.write('%d %g %g %g\n' % (z, fg['median'], fg['min'],
                                               fg['max']))
            title = ('driver ' + s) if is_driver(s) else PLOT_LABEL[s]
            color, dash, point = style(s, series_order)
            plots[panel].append(
                '"%s" using 1:2:3:4 with yerrorlines lw 2 pt %d ps 1.2'
                ' lc rgb "%s" dt %d title "%s"'
                % (fn, point, color, dash, title))
    xtics = ', '.join('"%s" %d' % (size_name(z), z) for z in sizes)
    gp = ['set terminal pngcairo size 1400,650 noenhanced font ",11"',
          'set output "%s"' % png,
          'set multiplot layout 1,2 title "remap_pfn: cost per page in %s'
          ' (%s mode, %s); bars: min-max"' % (unit, mode, date),
          'set logscale xy', 'set grid', 'set xlabel "buffer size"',
          'set ylabel "%s per page"' % unit,
          'set xtics (%s)' % xtics,
          'set xrange [%d:%d]' % (min(sizes) * 0.7, max(sizes) * 1.4),
          'set key outside bottom center horizontal maxrows 3 font ",10"']
    for panel, title in panels:
        gp.append('set title "%s"' % title)
        if plots[panel]:
            gp.append('plot ' + ', \\\n     '.join(plots[panel]))
    gp.append('unset multiplot')
    gpfile = os.path.join(plotdir, 'cost-per-page.gp')
    with open(gpfile, 'w') as f:
        f.write('\n'.join(gp) + '\n')
    if os.path.exists(png):
        os.unlink(png)
    res = subprocess.run(['gnuplot', gpfile], capture_output=True, text=True)
    if res.returncode or not os.path.exists(png):
        raise RuntimeError('gnuplot failed: ' + res.stderr.strip())


if __name__ == '__main__':
    sys.exit(main())

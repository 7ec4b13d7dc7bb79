//! The block evaluator: maps and grids on AVX2 or AVX-512 lanes.
//!
//! Cranelift emits no vector wider than 128 bits, so for wide lanes the
//! formula runs as a list of [`Step`]s, each one operation of the program
//! applied to a block of elements by a loop that rustc compiled ahead of
//! time for the width (`loops`): `d = a + b` over 256 elements, then
//! `e = cos(d)` over them, and so on. The operations are those of
//! `crate::ir::ops`, the library functions the very `crate::math`
//! algorithms the interpreter runs, on [`Wide`](crate::simd::Wide) lanes; so
//! each element gets the interpreter's bits, whatever the width.
//!
//! A [`Plan`] is built once per input layout (which inputs are arrays):
//! nodes that depend only on scalars are computed once per run (as the
//! interpreter would), varying nodes become steps over scratch blocks
//! reused once their last reader has run, inputs are read in place and
//! roots written straight into the outputs where possible. A block too
//! short for whole vectors (the last one) goes through padded copies.

#![allow(unsafe_code)]

mod loops;

use std::sync::Arc;

use loops::{Kernels, Src};

use crate::functions::{MathFn, Native};
use crate::ir::{BinaryOp, Callee, Node, Program, UnaryOp, ops};
use crate::math::MathMode;
use crate::simd::Hw;

/// An input of one run: an array (as long as the outputs) or a scalar.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    /// One value per element.
    Array(&'a [f64]),
    /// The same value for every element.
    Scalar(f64),
}

/// Where a step reads an operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opd {
    /// Array input `k`, in place.
    Input(u32),
    /// A scratch block.
    Slot(u32),
    /// The run's value of an invariant node.
    Splat(u32),
    /// Output `j` (a root written there by an earlier step).
    Out(u32),
}

/// Where a step writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dst {
    /// A scratch block.
    Slot(u32),
    /// Output `j`.
    Out(u32),
}

/// One operation over a block.
#[derive(Debug, Clone)]
enum Step {
    Unary(UnaryOp, Opd, Dst),
    Binary(BinaryOp, Opd, Opd, Dst),
    Select([Opd; 3], Dst),
    Fma([Opd; 3], Dst),
    /// A library function's inline form on lanes.
    Math(MathFn, Box<[Opd]>, Dst),
    /// `sin` and `cos` of one operand, sharing the reduction.
    SinCos(Opd, Dst, Dst),
    /// `pow` of one base to several exponents, `log|base|` shared.
    PowGroup(Opd, Box<[(Opd, Dst)]>),
    /// A function called once per element (C library, registered).
    Call(Callee, Box<[Opd]>, Dst),
    Copy(Opd, Dst),
}

/// The lane type a plan runs on.
#[derive(Debug, Clone, Copy)]
enum Lanes {
    #[cfg(target_arch = "x86_64")]
    X4(crate::simd::x4::X4),
    #[cfg(target_arch = "x86_64")]
    X8(crate::simd::x8::X8),
}

/// A scratch line, aligned to a cache line.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([f64; 8]);

thread_local! {
    /// Scratch blocks, reused by the runs of every plan on this thread.
    static SCRATCH: std::cell::RefCell<Vec<Line>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Largest block, in elements.
const MAX_BLOCK: usize = 256;
/// Scratch the blocks of one run aim to fit in, in f64s (32 KiB, L1).
const SCRATCH_TARGET: usize = 4096;

/// One program compiled for the block evaluator for one input layout.
#[derive(Debug)]
pub(crate) struct Plan {
    lanes: Lanes,
    natives: Arc<[Native]>,
    math: MathMode,
    /// Per node: whether it changes from element to element.
    varies: Vec<bool>,
    /// Per variable: its input.
    var_input: Vec<u32>,
    steps: Vec<Step>,
    /// Scratch blocks for values (after the filled ones).
    slots: usize,
    /// Blocks holding an invariant node's value in every lane (operands of
    /// `Select` and `Fma`), filled once per run: (slot, node).
    fills: Vec<(u32, u32)>,
    /// The array inputs (read through padded copies in a short block).
    arrays: Vec<u32>,
    outputs: usize,
    block: usize,
}

impl Plan {
    /// A plan for `program` with variable `v` read from input
    /// `var_input[v]`, where `is_array[k]` says whether input `k` is an
    /// array, on `hw` lanes. `None` for the f64x2 width (the JIT's), and,
    /// unless `force`, for programs the JIT runs faster.
    pub(crate) fn new(
        program: &Program,
        var_input: &[u32],
        is_array: &[bool],
        hw: Hw,
        force: bool,
    ) -> Option<Plan> {
        let lanes = match hw {
            Hw::X2 => return None,
            #[cfg(target_arch = "x86_64")]
            Hw::X4 => Lanes::X4(crate::simd::x4::X4::new()?),
            #[cfg(target_arch = "x86_64")]
            Hw::X8 => Lanes::X8(crate::simd::x8::X8::new()?),
            #[cfg(not(target_arch = "x86_64"))]
            _ => return None,
        };
        let nodes = &program.nodes;
        let var_array = |v: u32| is_array[var_input[v as usize] as usize];
        let mut varies = vec![false; nodes.len()];
        for (n, node) in nodes.iter().enumerate() {
            varies[n] = match node {
                Node::Const(_) => false,
                Node::Var(v) => var_array(*v),
                Node::Call(Callee::Native(_), _) => true,
                _ => operands(node).iter().any(|a| varies[a.index()]),
            };
        }
        // Readers of each node among the steps (varying, non-variable nodes).
        let is_step = |n: usize| varies[n] && !matches!(nodes[n], Node::Var(_));
        let mut last_use = vec![None::<usize>; nodes.len()];
        for (n, node) in nodes.iter().enumerate() {
            if is_step(n) {
                for a in operands(node) {
                    last_use[a.index()] = Some(n);
                }
            }
        }
        let mut root_out = vec![None::<u32>; nodes.len()];
        for (j, r) in program.roots.iter().enumerate() {
            root_out[r.index()].get_or_insert(j as u32);
        }

        // `sin(a)` and `cos(a)` of the same operand: one step computes both
        // (at the first of the two), the other node is then skipped.
        let fast = |f: MathFn| program.math == MathMode::Fast && f.has_inline();
        let mut partner = vec![None::<usize>; nodes.len()];
        if fast(MathFn::Sin) && fast(MathFn::Cos) {
            let mut sin_of = std::collections::HashMap::new();
            let mut cos_of = std::collections::HashMap::new();
            for (n, node) in nodes.iter().enumerate() {
                if let Node::Call(Callee::Math(f), args) = node
                    && is_step(n)
                {
                    match f {
                        MathFn::Sin => sin_of.entry(args[0]).or_insert(n),
                        MathFn::Cos => cos_of.entry(args[0]).or_insert(n),
                        _ => continue,
                    };
                }
            }
            for (a, &s) in &sin_of {
                if let Some(&c) = cos_of.get(a) {
                    partner[s] = Some(c);
                    partner[c] = Some(s);
                }
            }
        }
        // Powers of one varying base with exponents known before the first
        // of them (scalars or inputs): one step at the first computes all.
        let mut group: Vec<Option<usize>> = vec![None; nodes.len()];
        let mut members: Vec<Vec<usize>> = Vec::new();
        if fast(MathFn::Pow) {
            let mut by_base = std::collections::HashMap::new();
            for (n, node) in nodes.iter().enumerate() {
                if let Node::Call(Callee::Math(MathFn::Pow), args) = node
                    && is_step(n)
                    && varies[args[0].index()]
                    && (!varies[args[1].index()] || matches!(nodes[args[1].index()], Node::Var(_)))
                {
                    by_base.entry(args[0]).or_insert_with(Vec::new).push(n);
                }
            }
            for (_, ns) in by_base {
                for ns in ns.chunks(MAX_GROUP) {
                    if ns.len() > 1 {
                        for &n in ns {
                            group[n] = Some(members.len());
                        }
                        members.push(ns.to_vec());
                    }
                }
            }
        }
        let mut steps = Vec::new();
        let mut fills: Vec<(u32, u32)> = Vec::new();
        let mut fill_slot = vec![None::<u32>; nodes.len()];
        // Fill slots are numbered first; value slots after them are
        // renumbered at the end.
        let mut where_is = vec![None::<Opd>; nodes.len()];
        // Where a node's value is read: an array variable in place, a
        // computed node where it was put, an invariant as a broadcast.
        let locate = |a: usize, where_is: &[Option<Opd>]| -> Opd {
            match nodes[a] {
                Node::Var(v) if varies[a] => Opd::Input(var_input[v as usize]),
                _ if varies[a] => where_is[a].expect("operands come before their readers"),
                _ => Opd::Splat(a as u32),
            }
        };
        let mut free: Vec<u32> = Vec::new();
        let mut value_slots = 0u32;
        for (n, node) in nodes.iter().enumerate() {
            if !is_step(n) {
                continue;
            }
            let args = operands(node);
            let mut ops: Vec<Opd> = args.iter().map(|a| locate(a.index(), &where_is)).collect();
            if matches!(node, Node::Select(..) | Node::Fma(..)) {
                for (o, a) in ops.iter_mut().zip(&args) {
                    if let Opd::Splat(m) = *o {
                        let slot = *fill_slot[a.index()].get_or_insert_with(|| {
                            fills.push((fills.len() as u32, m));
                            fills.len() as u32 - 1
                        });
                        *o = Opd::Slot(slot | FILL);
                    }
                }
            }
            // Operands read for the last time free their blocks (the result
            // may reuse one: each lane is read before it is written).
            for a in &args {
                let a = a.index();
                if last_use[a] == Some(n)
                    && root_out[a].is_none()
                    && let Some(Opd::Slot(s)) = where_is[a]
                    && !free.contains(&s)
                {
                    free.push(s);
                }
            }
            if where_is[n].is_some() {
                // Computed with its partner.
                continue;
            }
            let mut place = |m: usize, where_is: &mut [Option<Opd>]| -> Dst {
                let dst = match (root_out[m], last_use[m]) {
                    (Some(j), None) => Dst::Out(j),
                    _ => Dst::Slot(free.pop().unwrap_or_else(|| {
                        value_slots += 1;
                        value_slots - 1
                    })),
                };
                where_is[m] = Some(match dst {
                    Dst::Out(j) => Opd::Out(j),
                    Dst::Slot(s) => Opd::Slot(s),
                });
                dst
            };
            if let Some(g) = group[n] {
                let mut outs = Vec::new();
                for &m in &members[g] {
                    let Node::Call(_, args) = &nodes[m] else {
                        unreachable!("a power")
                    };
                    let y = locate(args[1].index(), &where_is);
                    outs.push((y, place(m, &mut where_is)));
                }
                steps.push(Step::PowGroup(ops[0], outs.into()));
                continue;
            }
            let dst = place(n, &mut where_is);
            if let Some(p) = partner[n] {
                let other = place(p, &mut where_is);
                let (s, c) = if matches!(node, Node::Call(Callee::Math(MathFn::Sin), _)) {
                    (dst, other)
                } else {
                    (other, dst)
                };
                steps.push(Step::SinCos(ops[0], s, c));
                continue;
            }
            steps.push(match node {
                Node::Unary(op, _) => Step::Unary(*op, ops[0], dst),
                Node::Binary(op, _, _) => Step::Binary(*op, ops[0], ops[1], dst),
                Node::Select(..) => Step::Select([ops[0], ops[1], ops[2]], dst),
                Node::Fma(..) => Step::Fma([ops[0], ops[1], ops[2]], dst),
                Node::Call(Callee::Math(f), _) if fast(*f) => Step::Math(*f, ops.into(), dst),
                Node::Call(callee, _) => Step::Call(*callee, ops.into(), dst),
                Node::Const(_) | Node::Var(_) => unreachable!("not a step"),
            });
        }
        for (j, r) in program.roots.iter().enumerate() {
            let r = r.index();
            let j = j as u32;
            let from = locate(r, &where_is);
            if from != Opd::Out(j) {
                steps.push(Step::Copy(from, Dst::Out(j)));
            }
        }
        // Renumber: fill slots first, value slots after them.
        let base = fills.len() as u32;
        let fix = |s: u32| if s & FILL != 0 { s & !FILL } else { s + base };
        for step in &mut steps {
            let fix_opd = |o: &mut Opd| {
                if let Opd::Slot(s) = o {
                    *s = fix(*s);
                }
            };
            let fix_dst = |d: &mut Dst| {
                if let Dst::Slot(s) = d {
                    *s = fix(*s);
                }
            };
            match step {
                Step::Unary(_, a, d) | Step::Copy(a, d) => {
                    fix_opd(a);
                    fix_dst(d);
                }
                Step::SinCos(a, s, c) => {
                    fix_opd(a);
                    fix_dst(s);
                    fix_dst(c);
                }
                Step::PowGroup(a, outs) => {
                    fix_opd(a);
                    for (y, d) in outs.iter_mut() {
                        fix_opd(y);
                        fix_dst(d);
                    }
                }
                Step::Binary(_, a, b, d) => {
                    fix_opd(a);
                    fix_opd(b);
                    fix_dst(d);
                }
                Step::Select(o, d) | Step::Fma(o, d) => {
                    o.iter_mut().for_each(fix_opd);
                    fix_dst(d);
                }
                Step::Math(_, o, d) | Step::Call(_, o, d) => {
                    o.iter_mut().for_each(fix_opd);
                    fix_dst(d);
                }
            }
        }
        // The cost model: the block evaluator pays a load and a store per
        // operation and element, where the JIT keeps values in registers;
        // it wins where the library functions' wide forms dominate
        // (ARCHITECTURE.md has the numbers). Without one, the JIT runs.
        if !steps
            .iter()
            .any(|s| matches!(s, Step::Math(..) | Step::SinCos(..) | Step::PowGroup(..)))
            && !force
        {
            return None;
        }
        let arrays: Vec<u32> = (0..is_array.len() as u32)
            .filter(|&k| is_array[k as usize])
            .collect();
        let slots = base as usize + value_slots as usize;
        let buffers = slots + arrays.len() + program.roots.len();
        let block = (SCRATCH_TARGET / buffers.max(1))
            .clamp(16, MAX_BLOCK)
            .next_power_of_two()
            .min(MAX_BLOCK);
        let var_input = var_input.to_vec();
        Some(Plan {
            lanes,
            natives: program.natives.clone(),
            math: program.math,
            varies,
            var_input,
            steps,
            slots,
            fills,
            arrays,
            outputs: program.roots.len(),
            block,
        })
    }

    /// Computes `program` (the one the plan was built from) at every
    /// element into `outs` (all as long as the array inputs).
    pub(crate) fn run(&self, program: &Program, inputs: &[Source<'_>], outs: &mut [&mut [f64]]) {
        assert_eq!(outs.len(), self.outputs, "one output per root");
        let len = outs[0].len();
        assert!(outs.iter().all(|o| o.len() == len), "outputs of one length");
        for &k in &self.arrays {
            let Source::Array(a) = inputs[k as usize] else {
                panic!("input {k} was an array when the plan was built");
            };
            assert_eq!(a.len(), len, "arrays as long as the outputs");
        }
        let values = self.invariants(program, inputs);
        match self.lanes {
            #[cfg(target_arch = "x86_64")]
            Lanes::X4(w) => self.blocks(w, &values, inputs, outs, len),
            #[cfg(target_arch = "x86_64")]
            Lanes::X8(w) => self.blocks(w, &values, inputs, outs, len),
        }
    }

    /// The value of every invariant node, as the interpreter computes it.
    fn invariants(&self, program: &Program, inputs: &[Source<'_>]) -> Vec<f64> {
        let mut v = vec![0.0; program.nodes.len()];
        let mut args = Vec::new();
        for (n, node) in program.nodes.iter().enumerate() {
            if self.varies[n] {
                continue;
            }
            v[n] = match node {
                Node::Const(bits) => f64::from_bits(*bits),
                Node::Var(i) => match inputs[self.var_input[*i as usize] as usize] {
                    Source::Scalar(x) => x,
                    Source::Array(_) => unreachable!("array variables vary"),
                },
                Node::Unary(op, a) => ops::unary(*op, v[a.index()]),
                Node::Binary(op, a, b) => ops::binary(*op, v[a.index()], v[b.index()]),
                Node::Select(c, a, b) => ops::select(v[c.index()], v[a.index()], v[b.index()]),
                Node::Fma(a, b, c) => ops::fma(v[a.index()], v[b.index()], v[c.index()]),
                Node::Call(callee, ids) => {
                    args.clear();
                    args.extend(ids.iter().map(|a| v[a.index()]));
                    ops::call(*callee, &self.natives, self.math, &args)
                }
            };
        }
        v
    }

    /// The block loop on lanes `w`.
    fn blocks<K: Kernels>(
        &self,
        w: K,
        values: &[f64],
        inputs: &[Source<'_>],
        outs: &mut [&mut [f64]],
        len: usize,
    ) {
        let lanes = K::LANES;
        let b = self.block;
        let pads = self.arrays.len() + self.outputs;
        SCRATCH.with_borrow_mut(|scratch| {
            let lines = (self.slots + pads) * b / 8;
            if scratch.len() < lines {
                scratch.resize(lines, Line([0.0; 8]));
            }
            let base: *mut f64 = scratch.as_mut_ptr().cast();
            // SAFETY: slot `s` is `b` f64s at `base + s*b`, inside `scratch`
            // (`slots + pads` blocks of `b`).
            let block_at = |s: usize| unsafe { base.add(s * b) };
            for &(slot, node) in &self.fills {
                let p = block_at(slot as usize);
                for i in 0..b {
                    // SAFETY: `i < b`, inside the slot.
                    unsafe { *p.add(i) = values[node as usize] };
                }
            }
            let in_pad = |i: usize| block_at(self.slots + i);
            let out_pad = |j: usize| block_at(self.slots + self.arrays.len() + j);
            let mut input_ptr = vec![std::ptr::null::<f64>(); inputs.len()];
            let mut out_ptr = vec![std::ptr::null_mut::<f64>(); self.outputs];
            let mut start = 0;
            while start < len {
                let l = b.min(len - start);
                let padded = !l.is_multiple_of(lanes);
                for (i, &k) in self.arrays.iter().enumerate() {
                    let Source::Array(a) = inputs[k as usize] else {
                        unreachable!("checked in run")
                    };
                    let a = &a[start..start + l];
                    input_ptr[k as usize] = if padded {
                        let p = in_pad(i);
                        for (t, &x) in a.iter().enumerate() {
                            // SAFETY: `t < l <= b`, inside the pad block.
                            unsafe { *p.add(t) = x };
                        }
                        p
                    } else {
                        a.as_ptr()
                    };
                }
                for (j, o) in outs.iter_mut().enumerate() {
                    out_ptr[j] = if padded {
                        out_pad(j)
                    } else {
                        o[start..start + l].as_mut_ptr()
                    };
                }
                let nv = l.div_ceil(lanes);
                let src = |o: Opd| -> Src {
                    match o {
                        Opd::Input(k) => Src::Ptr(input_ptr[k as usize]),
                        Opd::Slot(s) => Src::Ptr(block_at(s as usize)),
                        Opd::Splat(n) => Src::Splat(values[n as usize]),
                        Opd::Out(j) => Src::Ptr(out_ptr[j as usize]),
                    }
                };
                let ptr = |o: Opd| -> *const f64 {
                    match src(o) {
                        Src::Ptr(p) => p,
                        Src::Splat(_) => {
                            unreachable!("splat operands of this step are filled blocks")
                        }
                    }
                };
                let dst = |d: Dst| -> *mut f64 {
                    match d {
                        Dst::Slot(s) => block_at(s as usize),
                        Dst::Out(j) => out_ptr[j as usize],
                    }
                };
                for step in &self.steps {
                    // SAFETY: (every step) each pointer is a scratch block (`b >=
                    // nv*lanes` f64s), a pad block (the same), an input or output
                    // slice at `start` with `l` elements where `l` is a multiple
                    // of the lanes (`nv*lanes == l`) unless the block is padded,
                    // in which case inputs and outputs are pad blocks. Inputs are
                    // only read; outputs and scratch blocks are distinct memory.
                    unsafe {
                        match step {
                            Step::Unary(op, a, d) => w.unary(*op, ptr(*a), dst(*d), nv),
                            Step::Binary(op, a, c, d) => {
                                w.binary(*op, src(*a), src(*c), dst(*d), nv)
                            }
                            Step::Select(o, d) => w.select(o.map(ptr), dst(*d), nv),
                            Step::Fma(o, d) => w.fma(o.map(ptr), dst(*d), nv),
                            Step::Math(f, o, d) => {
                                let mut args = [Src::Splat(0.0); 2];
                                for (a, &x) in args.iter_mut().zip(o.iter()) {
                                    *a = src(x);
                                }
                                let args = &args[..o.len()];
                                if !w.math(*f, args, dst(*d), nv) {
                                    self.call(Callee::Math(*f), args, dst(*d), l);
                                }
                            }
                            Step::SinCos(a, s, c) => w.sin_cos(ptr(*a), dst(*s), dst(*c), nv),
                            Step::PowGroup(x, outs) => {
                                let mut ys = [Src::Splat(0.0); MAX_GROUP];
                                let mut ds = [std::ptr::null_mut(); MAX_GROUP];
                                for (k, (y, d)) in outs.iter().enumerate() {
                                    ys[k] = src(*y);
                                    ds[k] = dst(*d);
                                }
                                let k = outs.len();
                                w.pow_group(ptr(*x), &ys[..k], &ds[..k], nv);
                            }
                            Step::Call(callee, o, d) => {
                                let args: Vec<Src> = o.iter().map(|&a| src(a)).collect();
                                self.call(*callee, &args, dst(*d), l);
                            }
                            Step::Copy(a, d) => {
                                let d = dst(*d);
                                match src(*a) {
                                    Src::Ptr(p) => std::ptr::copy_nonoverlapping(p, d, l),
                                    Src::Splat(v) => {
                                        for i in 0..l {
                                            *d.add(i) = v;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                if padded {
                    for (j, o) in outs.iter_mut().enumerate() {
                        let p = out_pad(j);
                        for (t, x) in o[start..start + l].iter_mut().enumerate() {
                            // SAFETY: `t < l <= b`, inside the pad block.
                            *x = unsafe { *p.add(t) };
                        }
                    }
                }
                start += l;
            }
        });
    }

    /// `d[i] = callee(args[i])` for `l` elements, one scalar call each (the
    /// interpreter's call).
    ///
    /// # Safety
    ///
    /// Every `Src::Ptr` readable and `d` writable for `l` f64s.
    unsafe fn call(&self, callee: Callee, args: &[Src], d: *mut f64, l: usize) {
        let mut a = vec![0.0; args.len()];
        for i in 0..l {
            for (x, s) in a.iter_mut().zip(args) {
                *x = match *s {
                    // SAFETY: `i < l`, the caller's guarantee.
                    Src::Ptr(p) => unsafe { *p.add(i) },
                    Src::Splat(v) => v,
                };
            }
            // SAFETY: as above.
            unsafe { *d.add(i) = ops::call(callee, &self.natives, self.math, &a) };
        }
    }

    /// Number of scratch blocks for values (tests).
    #[cfg(test)]
    fn slots(&self) -> usize {
        self.slots
    }
}

/// Most powers of one base a `PowGroup` step computes.
const MAX_GROUP: usize = 8;

/// Marks a fill slot's number until slots are renumbered.
const FILL: u32 = 1 << 31;

/// The operands of a node.
fn operands(node: &Node) -> Vec<crate::ir::Id> {
    match node {
        Node::Const(_) | Node::Var(_) => Vec::new(),
        Node::Unary(_, a) => vec![*a],
        Node::Binary(_, a, b) => vec![*a, *b],
        Node::Select(a, b, c) | Node::Fma(a, b, c) => vec![*a, *b, *c],
        Node::Call(_, args) => args.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::Width;

    fn plan(text: &str, force: bool) -> Option<Plan> {
        let expr = crate::Engine::new().parse(text).unwrap();
        let program = expr.program();
        let vars = program.vars.len();
        let var_input: Vec<u32> = (0..vars as u32).collect();
        Plan::new(
            program,
            &var_input,
            &vec![true; vars],
            Width::widest().resolve().unwrap(),
            force,
        )
    }

    #[test]
    fn the_cost_model_leaves_arithmetic_to_the_jit() {
        if Width::widest() == Width::F64x2 {
            return;
        }
        assert!(plan("((0.3*x + 1.2)*x - 0.7)*x/(1 + x*x)", false).is_none());
        assert!(plan("x^3", true).is_some());
        assert!(plan("y + h*y^2*cos(t+y)", false).is_some());
    }

    #[test]
    fn sine_and_cosine_and_powers_of_one_base_share_a_step() {
        if Width::widest() == Width::F64x2 {
            return;
        }
        let j6 = "-((z^6-210*z^4+4725*z^2-10395)*sin(z)+(21*z^5-1260*z^3+10395*z)*cos(z))/z^7";
        let p = plan(j6, false).unwrap();
        let count = |f: fn(&Step) -> bool| p.steps.iter().filter(|s| f(s)).count();
        assert_eq!(count(|s| matches!(s, Step::SinCos(..))), 1);
        assert_eq!(
            count(|s| matches!(s, Step::PowGroup(_, o) if o.len() == 3)),
            1
        );
        assert_eq!(count(|s| matches!(s, Step::Math(..))), 0);
    }

    #[test]
    fn blocks_are_reused_once_read_for_the_last_time() {
        if Width::widest() == Width::F64x2 {
            return;
        }
        // A chain of 12 operations needs one block (each result overwrites
        // its operand); two independent chains summed need two.
        let chain = "cos(((((((((((x+1)*2)-3)/4)+5)*6)-7)/8)+9)*10)+11)";
        assert_eq!(plan(chain, false).unwrap().slots(), 1);
        let two = "cos((x+1)*2) + sin((x-3)*4)";
        assert_eq!(plan(two, false).unwrap().slots(), 2);
    }
}

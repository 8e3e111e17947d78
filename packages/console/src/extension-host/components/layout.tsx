// Layout components: Flex, Box, Inline, AutoGrid, Stack, Card, Tile, Divider, Spacer and the experimental grids.
import type { CSSProperties } from "react";
import { cx, size, spacingStyle, type RemoteProps } from "./primitives";

const justifyMap: Record<string, string> = {
  start: "flex-start",
  end: "flex-end",
  center: "center",
  around: "space-around",
  between: "space-between",
};
const alignMap: Record<string, string> = {
  start: "flex-start",
  end: "flex-end",
  center: "center",
  baseline: "baseline",
  stretch: "stretch",
  auto: "auto",
};
const gap = (value: unknown, fallback = "flush") => `var(--sx-space-${size(value, fallback)})`;

function Flex(props: RemoteProps) {
  const { direction, justify, align, alignSelf, wrap, children } = props;
  const style: CSSProperties = {
    flexDirection: direction === "column" ? "column" : "row",
    justifyContent: justifyMap[justify] ?? undefined,
    alignItems: alignMap[align] ?? undefined,
    alignSelf: alignMap[alignSelf] ?? undefined,
    flexWrap: wrap === true || wrap === "wrap" ? "wrap" : "nowrap",
    gap: gap(props.gap ?? props.distance),
    ...spacingStyle(props),
  };
  return (
    <div className="sx-flex" style={style}>
      {children}
    </div>
  );
}

function Box(props: RemoteProps) {
  const flex =
    typeof props.flex === "number" ? props.flex : props.flex === "auto" ? "1 1 auto" : props.flex === "none" ? "none" : undefined;
  return (
    <div className="sx-box" style={{ alignSelf: alignMap[props.alignSelf], flex, ...spacingStyle(props) }}>
      {props.children}
    </div>
  );
}

function Inline(props: RemoteProps) {
  return <Flex {...props} direction="row" wrap gap={props.gap ?? "sm"} />;
}

function AutoGrid(props: RemoteProps) {
  const width = typeof props.columnWidth === "number" ? props.columnWidth : 200;
  const style: CSSProperties = {
    gridTemplateColumns: `repeat(auto-fill, minmax(${width}px, ${props.flexible ? "1fr" : `${width}px`}))`,
    gap: gap(props.gap, "sm"),
    ...spacingStyle(props),
  };
  return (
    <div className="sx-grid" style={style}>
      {props.children}
    </div>
  );
}

function Grid(props: RemoteProps) {
  const columns = typeof props.size === "number" && props.size > 0 ? props.size : 12;
  const style: CSSProperties = {
    gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
    gap: gap(props.gap, "sm"),
    justifyItems: alignMap[props.justify],
    alignItems: alignMap[props.align],
  };
  return (
    <div className="sx-grid" style={style}>
      {props.children}
    </div>
  );
}

function GridItem({ size: span, offset, children }: RemoteProps) {
  const start = typeof offset === "number" ? `${offset + 1} / ` : "";
  return <div style={{ gridColumn: `${start}span ${typeof span === "number" ? span : 1}` }}>{children}</div>;
}

export const layoutComponents = {
  Flex,
  ExperimentalFlex: Flex,
  Box,
  ExperimentalBox: Box,
  Inline,
  ExperimentalInline: Inline,
  AutoGrid,
  ExperimentalAutoGrid: AutoGrid,
  Stack: (props: RemoteProps) => (
    <Flex direction={props.direction ?? "column"} gap={props.distance ?? "sm"} justify={props.justify} align={props.align}>
      {props.children}
    </Flex>
  ),
  Stack2: (props: RemoteProps) => (
    <Flex direction="column" gap={props.gap ?? "sm"} align={props.align}>
      {props.children}
    </Flex>
  ),
  Center: ({ children, maxContentSize, gutter }: RemoteProps) => (
    <div className="sx-center" style={{ maxWidth: maxContentSize, paddingInline: gap(gutter) }}>
      {children}
    </div>
  ),
  Grid,
  GridItem,
  Card: ({ children }: RemoteProps) => <section className="sx-tile">{children}</section>,
  Tile: ({ children, compact, flush }: RemoteProps) => (
    <section className={cx("sx-tile", compact && "sx-tile--compact", flush && "sx-tile--flush")}>{children}</section>
  ),
  Divider: (props: RemoteProps) => <hr className="sx-divider" style={{ marginBlock: gap(props.distance ?? props.size, "sm") }} />,
  Spacer: (props: RemoteProps) => <div aria-hidden="true" style={{ height: gap(props.size, "md") }} />,
  MediaObject: ({ itemLeft, itemRight, children, align, spacing }: RemoteProps) => (
    <div
      className="sx-media"
      style={{ alignItems: alignMap[align] ?? "flex-start", gap: gap(spacing === "none" ? "flush" : spacing, "sm") }}
    >
      {itemLeft ? <div className="sx-media__item">{itemLeft}</div> : null}
      <div className="sx-media__body">{children}</div>
      {itemRight ? <div className="sx-media__item">{itemRight}</div> : null}
    </div>
  ),
};

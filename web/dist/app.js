var Ve,D,Ft,un,se,At,Bt,Ot,at,Ae,ke,Vt,st,nt,ot,Mt,Fe={},Be=[],pn=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,Me=Array.isArray;function ae(e,t){for(var a in t)e[a]=t[a];return e}function it(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function lt(e,t,a){var n,r,s,i={};for(s in t)s=="key"?n=t[s]:s=="ref"?r=t[s]:i[s]=t[s];if(arguments.length>2&&(i.children=arguments.length>3?Ve.call(arguments,2):a),typeof e=="function"&&e.defaultProps!=null)for(s in e.defaultProps)i[s]===void 0&&(i[s]=e.defaultProps[s]);return Ne(e,i,n,r,null)}function Ne(e,t,a,n,r){var s={type:e,props:t,key:a,ref:n,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:r??++Ft,__i:-1,__u:0};return r==null&&D.vnode!=null&&D.vnode(s),s}function Ie(e){return e.children}function je(e,t){this.props=e,this.context=t}function de(e,t){if(t==null)return e.__?de(e.__,e.__i+1):null;for(var a;t<e.__k.length;t++)if((a=e.__k[t])!=null&&a.__e!=null)return a.__e;return typeof e.type=="function"?de(e):null}function $n(e){if(e.__P&&e.__d){var t=e.__v,a=t.__e,n=[],r=[],s=ae({},t);s.__v=t.__v+1,D.vnode&&D.vnode(s),dt(e.__P,s,t,e.__n,e.__P.namespaceURI,32&t.__u?[a]:null,n,a??de(t),!!(32&t.__u),r),s.__v=t.__v,s.__.__k[s.__i]=s,qt(n,s,r),t.__e=t.__=null,s.__e!=a&&It(s)}}function It(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),It(e)}function rt(e){(!e.__d&&(e.__d=!0)&&se.push(e)&&!Oe.__r++||At!=D.debounceRendering)&&((At=D.debounceRendering)||Bt)(Oe)}function Oe(){try{for(var e,t=1;se.length;)se.length>t&&se.sort(Ot),e=se.shift(),t=se.length,$n(e)}finally{se.length=Oe.__r=0}}function Ht(e,t,a,n,r,s,i,l,c,u,p){var $,d,_,g,k,x,T=n&&n.__k||Be,w=t.length;for(c=fn(a,t,T,c,w),$=0;$<w;$++)(_=a.__k[$])!=null&&(d=_.__i!=-1&&T[_.__i]||Fe,_.__i=$,x=dt(e,_,d,r,s,i,l,c,u,p),g=_.__e,_.ref&&d.ref!=_.ref&&(d.ref&&ct(d.ref,null,_),p.push(_.ref,_.__c||g,_)),k==null&&g!=null&&(k=g),4&_.__u?(c=Gt(_,c,e),d.__e&&(d.__e=null)):typeof _.type=="function"&&x!==void 0?c=x:g&&(c=g.nextSibling),_.__u&=-7);return a.__e=k,c}function fn(e,t,a,n,r){var s,i,l,c,u,p=a.length,$=p,d=0;for(e.__k=new Array(r),s=0;s<r;s++)(i=t[s])!=null&&typeof i!="boolean"&&typeof i!="function"?(typeof i=="string"||typeof i=="number"||typeof i=="bigint"||i.constructor==String?i=e.__k[s]=Ne(null,i,null,null,null):Me(i)?i=e.__k[s]=Ne(Ie,{children:i},null,null,null):i.constructor===void 0&&i.__b>0?i=e.__k[s]=Ne(i.type,i.props,i.key,i.ref?i.ref:null,i.__v):e.__k[s]=i,c=s+d,i.__=e,i.__b=e.__b+1,l=null,(u=i.__i=mn(i,a,c,$))!=-1&&($--,(l=a[u])&&(l.__u|=2)),l==null||l.__v==null?(u==-1&&(r>p?d--:r<p&&d++),typeof i.type!="function"&&(i.__u|=4)):u!=c&&(u==c-1?d--:u==c+1?d++:(u>c?d--:d++,i.__u|=4))):e.__k[s]=null;if($)for(s=0;s<p;s++)(l=a[s])!=null&&(2&l.__u)==0&&(l.__e==n&&(n=de(l)),zt(l,l));return n}function Gt(e,t,a){var n,r;if(typeof e.type=="function"){for(n=e.__k,r=0;n&&r<n.length;r++)n[r]&&(n[r].__=e,t=Gt(n[r],t,a));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=de(e)),t=a.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function mn(e,t,a,n){var r,s,i,l=e.key,c=e.type,u=t[a],p=u!=null&&(2&u.__u)==0;if(u===null&&l==null||p&&l==u.key&&c==u.type)return a;if(n>(p?1:0)){for(r=a-1,s=a+1;r>=0||s<t.length;)if((u=t[i=r>=0?r--:s++])!=null&&(2&u.__u)==0&&l==u.key&&c==u.type)return i}return-1}function Nt(e,t,a){t[0]=="-"?e.setProperty(t,a??""):e[t]=a==null?"":typeof a!="number"||pn.test(t)?a:a+"px"}function Re(e,t,a,n,r){var s,i;e:if(t=="style")if(typeof a=="string")e.style.cssText=a;else{if(typeof n=="string"&&(e.style.cssText=n=""),n)for(t in n)a&&t in a||Nt(e.style,t,"");if(a)for(t in a)n&&a[t]==n[t]||Nt(e.style,t,a[t])}else if(t[0]=="o"&&t[1]=="n")s=t!=(t=t.replace(Vt,"$1")),i=t.toLowerCase(),t=i in e||t=="onFocusOut"||t=="onFocusIn"?i.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+s]=a,a?n?a[ke]=n[ke]:(a[ke]=st,e.addEventListener(t,s?ot:nt,s)):e.removeEventListener(t,s?ot:nt,s);else{if(r=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=a??"";break e}catch{}typeof a=="function"||(a==null||a===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&a==1?"":a))}}function jt(e){return function(t){if(this.l){var a=this.l[t.type+e];if(t[Ae]==null)t[Ae]=st++;else if(t[Ae]<a[ke])return;return a(D.event?D.event(t):t)}}}function dt(e,t,a,n,r,s,i,l,c,u){var p,$,d,_,g,k,x,T,w,C,j,E,F,I,te,oe,G=t.type;if(t.constructor!==void 0)return null;128&a.__u&&(c=!!(32&a.__u),s=[l=t.__e=a.__e]),(p=D.__b)&&p(t);e:if(typeof G=="function"){$=i.length;try{if(w=t.props,C=G.prototype&&G.prototype.render,j=(p=G.contextType)&&n[p.__c],E=p?j?j.props.value:p.__:n,a.__c?T=(d=t.__c=a.__c).__=d.__E:(C?t.__c=d=new G(w,E):(t.__c=d=new je(w,E),d.constructor=G,d.render=gn),j&&j.sub(d),d.state||(d.state={}),d.__n=n,_=d.__d=!0,d.__h=[],d._sb=[]),C&&d.__s==null&&(d.__s=d.state),C&&G.getDerivedStateFromProps!=null&&(d.__s==d.state&&(d.__s=ae({},d.__s)),ae(d.__s,G.getDerivedStateFromProps(w,d.__s))),g=d.props,k=d.state,d.__v=t,_)C&&G.getDerivedStateFromProps==null&&d.componentWillMount!=null&&d.componentWillMount(),C&&d.componentDidMount!=null&&d.__h.push(d.componentDidMount);else{if(C&&G.getDerivedStateFromProps==null&&w!==g&&d.componentWillReceiveProps!=null&&d.componentWillReceiveProps(w,E),t.__v==a.__v||!d.__e&&d.shouldComponentUpdate!=null&&d.shouldComponentUpdate(w,d.__s,E)===!1){t.__v!=a.__v&&(d.props=w,d.state=d.__s,d.__d=!1),t.__e=a.__e,t.__k=a.__k,t.__k.some(function(V){V&&(V.__=t)}),Be.push.apply(d.__h,d._sb),d._sb=[],d.__h.length&&i.push(d),l=de(a);break e}d.componentWillUpdate!=null&&d.componentWillUpdate(w,d.__s,E),C&&d.componentDidUpdate!=null&&d.__h.push(function(){d.componentDidUpdate(g,k,x)})}if(d.context=E,d.props=w,d.__P=e,d.__e=!1,F=D.__r,I=0,C)d.state=d.__s,d.__d=!1,F&&F(t),p=d.render(d.props,d.state,d.context),Be.push.apply(d.__h,d._sb),d._sb=[];else do d.__d=!1,F&&F(t),p=d.render(d.props,d.state,d.context),d.state=d.__s;while(d.__d&&++I<25);d.state=d.__s,d.getChildContext!=null&&(n=ae(ae({},n),d.getChildContext())),C&&!_&&d.getSnapshotBeforeUpdate!=null&&(x=d.getSnapshotBeforeUpdate(g,k)),te=p!=null&&p.type===Ie&&p.key==null?Wt(p.props.children):p,l=Ht(e,Me(te)?te:[te],t,a,n,r,s,i,l,c,u),d.base=t.__e,t.__u&=-161,d.__h.length&&i.push(d),T&&(d.__E=d.__=null)}catch(V){if(i.length=$,t.__v=null,c||s!=null){if(V.then){for(t.__u|=c?160:128;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;s!=null&&(s[s.indexOf(l)]=null),t.__e=l}else if(s!=null)for(oe=s.length;oe--;)it(s[oe])}else t.__e=a.__e;t.__k==null&&(t.__k=a.__k||[]),V.then||Ut(t),D.__e(V,t,a)}}else s==null&&t.__v==a.__v?(t.__k=a.__k,t.__e=a.__e):l=t.__e=hn(a.__e,t,a,n,r,s,i,c,u);return(p=D.diffed)&&p(t),128&t.__u?void 0:l}function Ut(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(Ut))}function qt(e,t,a){for(var n=0;n<a.length;n++)ct(a[n],a[++n],a[++n]);D.__c&&D.__c(t,e),e.some(function(r){try{e=r.__h,r.__h=[],e.some(function(s){s.call(r)})}catch(s){D.__e(s,r.__v)}})}function Wt(e){return typeof e!="object"||e==null||e.__b>0?e:Me(e)?e.map(Wt):e.constructor!==void 0?null:ae({},e)}function hn(e,t,a,n,r,s,i,l,c){var u,p,$,d,_,g,k,x=a.props||Fe,T=t.props,w=t.type;if(w=="svg"?r="http://www.w3.org/2000/svg":w=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),s!=null){for(u=0;u<s.length;u++)if((_=s[u])&&"setAttribute"in _==!!w&&(w?_.localName==w:_.nodeType==3)){e=_,s[u]=null;break}}if(e==null){if(w==null)return document.createTextNode(T);e=document.createElementNS(r,w,T.is&&T),l&&(D.__m&&D.__m(t,s),l=!1),s=null}if(w==null)x===T||l&&e.data==T||(e.data=T);else{if(s=w=="textarea"&&T.defaultValue!=null?null:s&&Ve.call(e.childNodes),!l&&s!=null)for(x={},u=0;u<e.attributes.length;u++)x[(_=e.attributes[u]).name]=_.value;for(u in x)_=x[u],u=="dangerouslySetInnerHTML"?$=_:u=="children"||u in T||u=="value"&&"defaultValue"in T||u=="checked"&&"defaultChecked"in T||Re(e,u,null,_,r);for(u in T)_=T[u],u=="children"?d=_:u=="dangerouslySetInnerHTML"?p=_:u=="value"?g=_:u=="checked"?k=_:l&&typeof _!="function"||x[u]===_||Re(e,u,_,x[u],r);if(p)l||$&&(p.__html==$.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),t.__k=[];else if($&&(e.innerHTML=""),Ht(t.type=="template"?e.content:e,Me(d)?d:[d],t,a,n,w=="foreignObject"?"http://www.w3.org/1999/xhtml":r,s,i,s?s[0]:a.__k&&de(a,0),l,c),s!=null)for(u=s.length;u--;)it(s[u]);l&&w!="textarea"||(u="value",w=="progress"&&g==null?e.removeAttribute("value"):g!=null&&(g!==e[u]||w=="progress"&&!g||w=="option"&&g!=x[u])&&Re(e,u,g,x[u],r),u="checked",k!=null&&k!=e[u]&&Re(e,u,k,x[u],r))}return e}function ct(e,t,a){try{if(typeof e=="function"){var n=typeof e.__u=="function";n&&e.__u(),n&&t==null||(e.__u=e(t))}else e.current=t}catch(r){D.__e(r,a)}}function zt(e,t,a){var n,r;if(D.unmount&&D.unmount(e),(n=e.ref)&&(n.current&&n.current!=e.__e||ct(n,null,t)),(n=e.__c)!=null){if(n.componentWillUnmount)try{n.componentWillUnmount()}catch(s){D.__e(s,t)}n.base=n.__P=n.__n=null}if(n=e.__k)for(r=0;r<n.length;r++)n[r]&&zt(n[r],t,a||typeof e.type!="function");a||it(e.__e),e.__c=e.__=e.__e=void 0}function gn(e,t,a){return this.constructor(e,a)}function Kt(e,t,a){var n,r,s,i;t==document&&(t=document.documentElement),D.__&&D.__(e,t),r=(n=typeof a=="function")?null:a&&a.__k||t.__k,s=[],i=[],dt(t,e=(!n&&a||t).__k=lt(Ie,null,[e]),r||Fe,Fe,t.namespaceURI,!n&&a?[a]:r?null:t.firstChild?Ve.call(t.childNodes):null,s,!n&&a?a:r?r.__e:t.firstChild,n,i),qt(s,e,i),e.props.children=null}function Jt(e){function t(a){var n,r;return this.getChildContext||(n=new Set,(r={})[t.__c]=this,this.getChildContext=function(){return r},this.componentWillUnmount=function(){n=null},this.shouldComponentUpdate=function(s){this.props.value!=s.value&&n.forEach(function(i){i.__e=!0,rt(i)})},this.sub=function(s){n.add(s);var i=s.componentWillUnmount;s.componentWillUnmount=function(){n&&n.delete(s),i&&i.call(s)}}),a.children}return t.__c="__cC"+Mt++,t.__=e,t.Provider=t.__l=(t.Consumer=function(a,n){return a.children(n)}).contextType=t,t}Ve=Be.slice,D={__e:function(e,t,a,n){for(var r,s,i;t=t.__;)if((r=t.__c)&&!r.__)try{if((s=r.constructor)&&s.getDerivedStateFromError!=null&&(r.setState(s.getDerivedStateFromError(e)),i=r.__d),r.componentDidCatch!=null&&(r.componentDidCatch(e,n||{}),i=r.__d),i)return r.__E=r}catch(l){e=l}throw e}},Ft=0,un=function(e){return e!=null&&e.constructor===void 0},je.prototype.setState=function(e,t){var a;a=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=ae({},this.state),typeof e=="function"&&(e=e(ae({},a),this.props)),e&&ae(a,e),e!=null&&this.__v&&(t&&this._sb.push(t),rt(this))},je.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),rt(this))},je.prototype.render=Ie,se=[],Bt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,Ot=function(e,t){return e.__v.__b-t.__v.__b},Oe.__r=0,at=Math.random().toString(8),Ae="__d"+at,ke="__a"+at,Vt=/(PointerCapture)$|Capture$/i,st=0,nt=jt(!1),ot=jt(!0),Mt=0;var Zt=function(e,t,a,n){var r;t[0]=0;for(var s=1;s<t.length;s++){var i=t[s++],l=t[s]?(t[0]|=i?1:2,a[t[s++]]):t[++s];i===3?n[0]=l:i===4?n[1]=Object.assign(n[1]||{},l):i===5?(n[1]=n[1]||{})[t[++s]]=l:i===6?n[1][t[++s]]+=l+"":i?(r=e.apply(l,Zt(e,l,a,["",null])),n.push(r),l[0]?t[0]|=2:(t[s-2]=0,t[s]=r)):n.push(l)}return n},Yt=new Map;function Xt(e){var t=Yt.get(this);return t||(t=new Map,Yt.set(this,t)),(t=Zt(this,t.get(e)||(t.set(e,t=function(a){for(var n,r,s=1,i="",l="",c=[0],u=function(d){s===1&&(d||(i=i.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?c.push(0,d,i):s===3&&(d||i)?(c.push(3,d,i),s=2):s===2&&i==="..."&&d?c.push(4,d,0):s===2&&i&&!d?c.push(5,0,!0,i):s>=5&&((i||!d&&s===5)&&(c.push(s,0,i,r),s=6),d&&(c.push(s,d,0,r),s=6)),i=""},p=0;p<a.length;p++){p&&(s===1&&u(),u(p));for(var $=0;$<a[p].length;$++)n=a[p][$],s===1?n==="<"?(u(),c=[c],s=3):i+=n:s===4?i==="--"&&n===">"?(s=1,i=""):i=n+i[0]:l?n===l?l="":i+=n:n==='"'||n==="'"?l=n:n===">"?(u(),s=1):s&&(n==="="?(s=5,r=i,i=""):n==="/"&&(s<5||a[p][$+1]===">")?(u(),s===3&&(c=c[0]),s=c,(c=c[0]).push(2,0,s),s=0):n===" "||n==="	"||n===`
`||n==="\r"?(u(),s=2):i+=n),s===3&&i==="!--"&&(s=4,c=c[0])}return u(),c}(e)),t),arguments,[])).length>1?t:t[0]}var o=Xt.bind(lt);var $e,A,ut,Qt,we=0,ia=[],M=D,ea=M.__b,ta=M.__r,aa=M.diffed,na=M.__c,oa=M.unmount,ra=M.__;function Ge(e,t){M.__h&&M.__h(A,e,we||t),we=0;var a=A.__H||(A.__H={__:[],__h:[]});return e>=a.__.length&&a.__.push({}),a.__[e]}function m(e){return we=1,_n(pa,e)}function _n(e,t,a){var n=Ge($e++,2);if(n.t=e,!n.__c&&(n.__=[a?a(t):pa(void 0,t),function(l){var c=n.__N?n.__N[0]:n.__[0],u=n.t(c,l);c!==u&&(n.__N=[u,n.__[1]],n.__c.setState({}))}],n.__c=A,!A.__f)){var r=function(l,c,u){if(!n.__c.__H)return!0;var p=!1,$=n.__c.props!==l;if(n.__c.__H.__.some(function(_){if(_.__N){p=!0;var g=_.__[0];_.__=_.__N,_.__N=void 0,g!==_.__[0]&&($=!0)}}),s){var d=s.call(this,l,c,u);return p?d||$:d}return!p||$};A.__f=!0;var s=A.shouldComponentUpdate,i=A.componentWillUpdate;A.componentWillUpdate=function(l,c,u){if(this.__e){var p=s;s=void 0,r(l,c,u),s=p}i&&i.call(this,l,c,u)},A.shouldComponentUpdate=r}return n.__N||n.__}function L(e,t){var a=Ge($e++,3);!M.__s&&ua(a.__H,t)&&(a.__=e,a.u=t,A.__H.__h.push(a))}function q(e){return we=5,la(function(){return{current:e}},[])}function la(e,t){var a=Ge($e++,7);return ua(a.__H,t)&&(a.__=e(),a.__H=t,a.__h=e),a.__}function da(e,t){return we=8,la(function(){return e},t)}function ca(e){var t=A.context[e.__c],a=Ge($e++,9);return a.c=e,t?(a.__==null&&(a.__=!0,t.sub(A)),t.props.value):e.__}function bn(){for(var e;e=ia.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(He),t.__h.some(pt),t.__h=[]}catch(a){t.__h=[],M.__e(a,e.__v)}}}M.__b=function(e){A=null,ea&&ea(e)},M.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),ra&&ra(e,t)},M.__r=function(e){ta&&ta(e),$e=0;var t=(A=e.__c).__H;t&&(ut===A?(t.__h=[],A.__h=[],t.__.some(function(a){a.__N&&(a.__=a.__N),a.u=a.__N=void 0})):(t.__h.some(He),t.__h.some(pt),t.__h=[],$e=0)),ut=A},M.diffed=function(e){aa&&aa(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(ia.push(t)!==1&&Qt===M.requestAnimationFrame||((Qt=M.requestAnimationFrame)||vn)(bn)),t.__H.__.some(function(a){a.u&&(a.__H=a.u,a.u=void 0)})),ut=A=null},M.__c=function(e,t){t.some(function(a){try{a.__h.some(He),a.__h=a.__h.filter(function(n){return!n.__||pt(n)})}catch(n){t.some(function(r){r.__h&&(r.__h=[])}),t=[],M.__e(n,a.__v)}}),na&&na(e,t)},M.unmount=function(e){oa&&oa(e);var t,a=e.__c;a&&a.__H&&(a.__H.__.some(function(n){try{He(n)}catch(r){t=r}}),a.__H=void 0,t&&M.__e(t,a.__v))};var sa=typeof requestAnimationFrame=="function";function vn(e){var t,a=function(){clearTimeout(n),sa&&cancelAnimationFrame(t),setTimeout(e)},n=setTimeout(a,35);sa&&(t=requestAnimationFrame(a))}function He(e){var t=A,a=e.__c;typeof a=="function"&&(e.__c=void 0,a()),A=t}function pt(e){var t=A;e.__c=e.__(),A=t}function ua(e,t){return!e||e.length!==t.length||t.some(function(a,n){return a!==e[n]})}function pa(e,t){return typeof t=="function"?t(e):t}var ie=class extends Error{constructor(t,a){let n=a&&a.error||{};super(n.message||`HTTP ${t}`),this.status=t,this.code=n.code||`HTTP_${t}`,this.detail=n.detail||{},this.field=typeof this.detail.field=="string"?this.detail.field:null}};function $a(e,t,a){return new ie(400,{error:{code:e,message:`${t}: ${a}`,detail:{field:t}}})}async function h(e,t,a,n={}){let r={"X-Requested-With":"switchyard-ui",Accept:"application/json"};a!==void 0&&(r["Content-Type"]="application/json"),n.ifMatch!==void 0&&n.ifMatch!==null&&(r["If-Match"]=`"${n.ifMatch}"`);let s;try{s=await fetch(t,{method:e,headers:r,credentials:"same-origin",body:a===void 0?void 0:JSON.stringify(a)})}catch(c){throw new ie(0,{error:{code:"NETWORK",message:`the agent did not answer: ${c.message}`}})}let l=(s.headers.get("content-type")||"").includes("json")?await s.json().catch(()=>null):await s.text();if(s.status===401&&e==="GET"&&location.assign("/login?m=expired"),!s.ok)throw new ie(s.status,l&&typeof l=="object"?l:{error:{code:`HTTP_${s.status}`,message:String(l||s.statusText)}});return l}var b=encodeURIComponent;function yn(e){return e.startsWith("+++")||e.startsWith("---")?"file":e.startsWith("@@")?"hunk":e.startsWith("+")?"add":e.startsWith("-")?"del":""}function W({diff:e,label:t="diff"}){return e?o`
    <pre class="udiff" aria-label=${t}>${e.split(`
`).map(a=>o`<span class=${yn(a)}>${a}\n</span>`)}</pre>
  `:o`<p class="muted">No difference.</p>`}function fa({text:e,line:t,label:a}){return o`
    <pre class="udiff" aria-label=${a}>${e.split(`
`).map((n,r)=>o`<span class=${r+1===t?"mark":""} data-line=${r+1}>${String(r+1).padStart(4)}  ${n}\n</span>`)}</pre>
  `}var fe=[],kn=1,$t=new Set;function ma(){for(let e of $t)e(fe)}function R(e,t="ok"){let a=kn++;fe=[...fe.slice(-4),{id:a,text:e,kind:t}],ma(),t!=="bad"&&setTimeout(()=>ha(a),6e3)}function ha(e){fe=fe.filter(t=>t.id!==e),ma()}function ga(){let[e,t]=m(fe);return L(()=>($t.add(t),()=>$t.delete(t)),[]),o`
    <div class="toasts" role="status" aria-live="polite">
      ${e.map(a=>o`
          <div class=${`toast ${a.kind}`} key=${a.id}>
            <span>${a.text}</span>
            <button type="button" class="link" aria-label="Dismiss" onClick=${()=>ha(a.id)}>×</button>
          </div>
        `)}
    </div>
  `}var me=[];function P(e){if(!e.path?.startsWith("/")||!e.title||typeof e.component!="function")throw new Error(`definePage: need path ("/..."), title and component: ${JSON.stringify(e)}`);if(me.some(t=>t.path===e.path))throw new Error(`definePage: ${e.path} is defined twice`);return me.push({nav:!0,...e}),e}function ft(e){let t=null;for(let a of me){let n=a.path.split("/").filter(Boolean);n.length>e.length||!n.every((r,s)=>r===e[s])||n.length===0&&e.length>0||(!t||n.length>t.depth)&&(t={page:a,depth:n.length})}return t&&{page:t.page,rest:e.slice(t.depth)}}function S(e,t){let[a,n]=m({data:null,error:null,loading:!0}),r=q(0),s=da(async()=>{let i=++r.current;n(l=>({...l,loading:!0}));try{let l=await e();i===r.current&&n({data:l,error:null,loading:!1})}catch(l){i===r.current&&n(c=>({...c,error:l,loading:!1}))}},t);return L(()=>{s()},[s]),{...a,reload:s}}var xe={via:"root",role:"admin",tenant:null};async function _a(){try{xe=await h("GET","/api/whoami")}catch{}return document.documentElement.dataset.role=xe.role,xe}function he(){return xe}function H(e){let t={viewer:0,operator:1,admin:2}[xe.role]??0;return e==="read"?!0:e==="write"?t>=1:t>=2}function f(e){return!e.read&&!H("write")?null:o`<${wn} ...${e} />`}function wn(e){let{onClick:t,busy:a,busyText:n,children:r,type:s="button",class:i,disabled:l,read:c,...u}=e,[p,$]=m(!1),d=q(!0);L(()=>()=>d.current=!1,[]);let _=a||p;async function g(k){if(t){$(!0);try{await t(k)}finally{d.current&&$(!1)}}}return o`
    <button
      type=${s}
      class=${i}
      ...${u}
      disabled=${_||l}
      aria-busy=${_?"true":void 0}
      onClick=${t?g:void 0}
    >
      ${_&&o`<span class="spinner" aria-hidden="true"></span>`}
      ${_&&n?n:r}
    </button>
  `}var B=Jt(null);function Ue(e,t){return!e||!t?!1:e===t||e.startsWith(t+".")||e.startsWith(t+"[")}function mt(e){let t=ca(B);return t&&Ue(t.field,e)?t:null}function qe(e){return"f-"+e.replace(/[^A-Za-z0-9_-]/g,"_")}function Se(e){e?.field&&setTimeout(()=>{let t=[...document.querySelectorAll("input, select, textarea")].filter(a=>Ue(e.field,a.dataset.field)).sort((a,n)=>n.dataset.field.length-a.dataset.field.length)[0];t?.focus(),t?.scrollIntoView?.({block:"center"})},0)}function ba(e,t){return t?{"aria-invalid":"true","aria-describedby":`${qe(e)}-err`}:{"aria-invalid":void 0}}function xn(e){let t=`${e.field}: `;return e.message.startsWith(t)?e.message.slice(t.length):e.message}function va({field:e,err:t,hint:a}){return o`
    ${t&&o`<p class="field-error" id=${`${qe(e)}-err`}>${xn(t)}</p>`}
    ${a&&!t&&o`<p class="hint">${a}</p>`}
  `}function v(e){let{field:t,label:a,hint:n,hideLabel:r,as:s="input",value:i,onValue:l,children:c,grow:u,...p}=e,$=mt(t),d=qe(t),_={id:d,name:t,"data-field":t,...ba(t,$),...p},g=x=>l(x.currentTarget.value),k;return s==="textarea"?k=o`<textarea ...${_} value=${i??""} onInput=${g}></textarea>`:s==="select"?k=o`<select ...${_} value=${i??""} onChange=${g}>${c}</select>`:k=o`<input ...${_} value=${i??""} onInput=${g} />`,o`
    <div class=${`field${u?" grow":""}`}>
      <label for=${d} class=${r?"sr-only":void 0}>${a}</label>
      ${k}
      <${va} field=${t} err=${$} hint=${n} />
    </div>
  `}function z(e){let{onValue:t,...a}=e;return o`
    <${v}
      ...${a}
      type="number"
      inputmode="numeric"
      onValue=${n=>t(n===""?void 0:Number(n))}
    />
  `}function O({field:e,label:t,checked:a,onValue:n,hint:r}){let s=mt(e),i=qe(e);return o`
    <div class="field">
      <label class="check" for=${i}>
        <input
          type="checkbox"
          id=${i}
          name=${e}
          data-field=${e}
          checked=${!!a}
          onChange=${l=>n(l.currentTarget.checked)}
          ...${ba(e,s)}
        />
        ${t}
      </label>
      <${va} field=${e} err=${s} hint=${r} />
    </div>
  `}function ne(e){return!!mt(e)}function Sn(e){let t=e.detail||{};return typeof t.nginx_output=="string"?t.nginx_output:(t.outcome?.refused||[]).map(n=>n.nginx_output).filter(Boolean).join(`
`)||null}function ya(e){if(!e||typeof document>"u")return null;let t=[...document.querySelectorAll("[data-field]")].filter(r=>Ue(e,r.dataset.field)).sort((r,s)=>s.dataset.field.length-r.dataset.field.length)[0];return t&&((t.id&&document.querySelector(`label[for="${CSS.escape(t.id)}"]`))?.textContent||t.getAttribute("aria-label")||"").trim()||null}function Tn(e){let t=e.field;if(!t||!e.message.startsWith(`${t}: `))return e.message;let a=ya(t);return a?`${a}: ${e.message.slice(t.length+2)}`:e.message}function y({error:e,title:t}){if(!e)return null;let a=Sn(e),n=e.detail?.current_version!==void 0,r=e.field&&ya(e.field);return o`
    <div class="error" role="alert" data-error-code=${e.code}>
      ${t&&o`<strong>${t}: </strong>`}
      <span class="code">${e.code}</span>
      <span class="message">${Tn(e)}</span>
      ${e.field&&o`<div class="hint">Field: ${r?o`<strong>${r}</strong> (<code>${e.field}</code>)`:o`<code>${e.field}</code>`}</div>`}
      ${n&&o`
        <div class="hint"
          data-reverted>Refused and reverted: nginx keeps serving generation ${e.detail.generation??"\u2013"}. Your draft is kept; fix it and Save again.</div>
      `}
      ${e.code==="PRECONDITION_FAILED"&&o`
        <div class="hint">Someone changed this record meanwhile: reload it to see their version
          (your input here is kept until you leave the page).</div>
      `}
      ${e.status===401&&o`
        <div class="hint">Your session ended. <a href="/login" target="_blank" rel="noopener">Log in
          again in a new tab</a>, then save again: your input here is kept.</div>
      `}
      ${a&&o`<pre>${a}</pre>`}
    </div>
  `}var En={applied:"ok",unchanged:"ok",pending:"warn",dry_run:"warn",failed:"bad",refused:"bad",reverted:"bad"};function ce({status:e}){return o`<span class=${`badge ${En[e]||""}`}>${e}</span>`}function Pn(e){return e?.status==="failed"&&(e.refused||[]).length>0&&!e.error}function We({outcome:e}){if(!e)return o`<p class="muted">No apply since the agent started.</p>`;let t=e.refused||[],a=Pn(e);return o`
    <dl class="facts">
      <dt>Status</dt><dd>${a?o`
          <span class="badge warn" data-status="reverted"
            data-reverted>refused and reverted: nginx serves generation ${e.generation??"\u2013"}</span>
        `:o`<${ce} status=${e.status} />`}</dd>
      ${e.generation!=null&&o`
        <dt>Generation</dt>
        <dd>${e.generation}</dd>
      `}
      ${e.at&&o`
        <dt>At</dt>
        <dd>${new Date(e.at).toLocaleString()}</dd>
      `}
      ${e.duration_ms!=null&&o`
        <dt>Took</dt>
        <dd>${e.duration_ms} ms</dd>
      `}
      ${e.reloaded!=null&&o`
        <dt>Reloaded</dt>
        <dd>${e.reloaded?"yes":"no"}</dd>
      `}
      ${e.applied?.length>0&&o`
        <dt>Applied</dt>
        <dd>${e.applied.join(", ")}</dd>
      `}
    </dl>
    ${e.error&&o`
      <div class="error"><span class="code">${e.error.code}</span>${e.error.message}
        ${e.error.nginx_output&&o`<pre>${e.error.nginx_output}</pre>`}
      </div>
    `}
    ${t.map(n=>o`
        <div class=${a?"warning":"error"} data-refused=${n.id}>
          <strong>Refused ${n.id}: </strong><span class="code">${n.code}</span>${n.message}
          ${n.nginx_output&&o`<pre>${n.nginx_output}</pre>`}
        </div>
      `)}
    ${(e.warnings||[]).map(n=>o`<div class="warning">${n}</div>`)}
  `}function ue(e,t,a){let n=q(e);n.current=e,L(()=>{if(!a)return;let r=!1,s,i=async()=>{try{await n.current()}finally{r||(s=setTimeout(i,t))}};return s=setTimeout(i,t),()=>{r=!0,clearTimeout(s)}},[t,a])}var ka=["pending","copying","write_routing","verifying","switching","done"],gt=["done","error","cancelled"],pe=e=>!gt.includes(e.phase),_t=e=>["write_routing","verifying","aborting"].includes(e.phase),Cn={done:"ok",error:"bad",cancelled:"bad",aborting:"warn"},Dn=e=>Cn[e]??"warn";function wa(e){if(!e)return"0 B";let t=["B","KiB","MiB","GiB","TiB"],a=0,n=e;for(;n>=1024&&a<t.length-1;)n/=1024,a++;return`${n>=100||a===0?Math.round(n):n.toFixed(1)} ${t[a]}`}function Ln(e){return e==null||!Number.isFinite(e)?"\u2013":e<60?`${Math.round(e)} s`:e<3600?`${Math.floor(e/60)} min ${Math.round(e%60)} s`:`${Math.floor(e/3600)} h ${Math.round(e%3600/60)} min`}function Rn(e){let t=e.progress??{},a=e.passes??[],n=gt.includes(e.phase)&&a.length>0,r=d=>a.reduce((_,g)=>_+(g[d]??0),0),s=n?r("bytes"):t.bytes??0,i=n?0:t.total_bytes??0,l=n?r("transferred"):t.objects??0,c=n?0:t.total_objects??0,u=0;e.phase==="done"?u=100:i>0?u=Math.min(100,Math.floor(100*s/i)):c>0&&(u=Math.min(100,Math.floor(100*l/c)));let p=(d,_,g)=>_>0?`${g(d)} of ${g(_)}`:g(d),$=n?a.length:t.pass??0;return{percent:u,bytes:p(s,i,wa),objects:`${p(l,c,d=>d.toLocaleString("en"))} objects${n?" copied":""}`,rate:t.rate?`${wa(t.rate)}/s`:"\u2013",eta:e.phase==="done"?"\u2013":Ln(t.eta),pass:$===0?"":n?`${$} pass${$===1?"":"es"}`:`pass ${$}`,waiting:t.waiting_for??[]}}function ht(e,t){let a=(e.log??[]).find(n=>n.slice(n.indexOf(" ")+1).startsWith(t));return a?a.slice(0,a.indexOf(" ")):null}function An(e){let t=i=>(e.passes??[]).find(l=>l.phase===i)?.started??null,a={pending:e.started_at??null,copying:t("copying")??ht(e,"copying"),write_routing:e.split_at??null,verifying:t("verifying"),switching:ht(e,"switching"),aborting:ht(e,"aborting")},n=gt.includes(e.phase);(e.phase==="done"||e.phase==="switching")&&(a.switching??=e.ended_at??null);let r;e.phase==="cancelled"||e.phase==="error"||e.phase==="aborting"?(r=[...ka.filter(l=>l!=="done"&&a[l]),...a.aborting||e.phase==="aborting"?["aborting"]:[]],e.phase!=="aborting"&&r.push(e.phase)):r=ka;let s=r.indexOf(e.phase);return r.map((i,l)=>({phase:i,state:l<s||n&&l===s?"passed":l===s?"current":"todo",at:i===e.phase&&n?e.ended_at??null:a[i]??null}))}var Nn=e=>e?new Date(e).toLocaleTimeString():"";function xa({m:e}){return o`
    <ol class="timeline" aria-label=${`Phases of ${e.id}`} data-timeline>
      ${An(e).map(t=>o`
          <li class=${`${t.state}${["cancelled","error"].includes(t.phase)?" bad":""}`}
            data-phase=${t.phase} aria-current=${t.state==="current"?"step":void 0}>
            <span class="step">${t.phase}</span>
            ${t.at&&o`<span class="muted">${Nn(t.at)}</span>`}
          </li>
        `)}
    </ol>
  `}function ze({m:e}){let t=Rn(e),a=e.phase==="error"||e.phase==="cancelled";return o`
    <div class="migration-progress" data-progress=${e.id} data-phase=${e.phase}>
      <div class=${`bar${a?" bad":e.phase==="done"?" ok":""}`} role="progressbar"
        aria-label=${`Progress of ${e.bucket}`} aria-valuemin="0" aria-valuemax="100"
        aria-valuenow=${t.percent} aria-valuetext=${`${t.percent} %, ${e.phase}`}>
        <span style=${`width: ${t.percent}%`}></span>
      </div>
      <p class="figures">
        <span class=${`badge ${Dn(e.phase)}`} data-phase-text>${e.phase}</span>
        <span data-percent>${t.percent} %</span>
        ${t.pass&&o`<span>${t.pass}</span>`}
        <span>${t.objects}</span>
        <span>${t.bytes}</span>
        ${pe(e)&&o`<span>${t.rate}</span><span>ETA ${t.eta}</span>`}
      </p>
      ${t.waiting.length>0&&o`
        <p class="hint" data-waiting>Waiting for: ${t.waiting.join("; ")}</p>
      `}
    </div>
  `}function Sa(){let{data:e,reload:t}=S(()=>h("GET","/api/migrations").then(a=>a.migrations.filter(pe)),[]);return ue(t,2e3,!!e?.length),e?.length?o`
    <section class="panel" aria-labelledby="dash-migrations" data-active-migrations>
      <h2 id="dash-migrations">Migrations</h2>
      ${e.map(a=>o`
          <div>
            <a href=${`#/migrations/${b(a.id)}`}>${a.bucket}</a>${" "}<span class="muted">${a.src} → ${a.dst}</span>
            <${ze} m=${a} />
          </div>
        `)}
    </section>
  `:null}var jn=new Set(["generation","config_hash","apply_mode","pending","pending_count","nginx","last_apply","warnings","scheduler","drift","migrations"]);async function Fn(){let[e,t,a]=await Promise.all([h("GET","/api/health"),h("GET","/api/console/counts"),h("GET","/api/certs?sort=not_after&per_page=6").catch(()=>null)]);return{health:e,counts:t.counts,certs:a?.items??[]}}function Bn({certs:e}){let t=e.filter(a=>a.not_after);return t.length?o`
    <div class="strip" aria-label="Certificate expiry" data-cert-strip>
      ${t.map(a=>{let n=Math.floor((Date.parse(a.not_after)-Date.now())/864e5),r=n<0?"bad":n<21?"warn":"ok";return o`<a class=${`badge ${r}`} href=${`#/certs/edit/${b(a.name)}`}>${a.name}: ${n<0?"expired":`${n} days`}</a>`})}
    </div>
  `:null}function On({nginx:e}){return o`
    <dl class="facts">
      <dt>Running</dt>
      <dd>${e.running?o`<span class="badge ok">running</span> pid ${e.pid}`:o`<span class="badge bad">${e.installed?"not running":"not installed (dry run)"}</span>`}</dd>
      <dt>Version</dt>
      <dd>${e.version||"unknown"}</dd>
      <dt>Last reload</dt>
      <dd>${e.last_reload_at?new Date(e.last_reload_at).toLocaleString():"none yet"}</dd>
      <dt>Reloads</dt>
      <dd>${e.reloads}</dd>
    </dl>
  `}function Vn({count:e,onChanged:t}){let{data:a,error:n,reload:r}=S(()=>h("GET","/api/console/pending"),[e]),[s,i]=m(null);async function l(c){if(confirm(`Discard the pending change of ${c}? The record goes back to what nginx serves.`)){i(null);try{await h("POST","/api/console/pending/discard",{id:c}),R(`Discarded the pending change of ${c}`)}catch(u){i(u)}await r(),t()}}return o`
    <${y} error=${n||s} />
    ${a&&o`
      <ul class="pending">
        ${a.pending.map(c=>o`
            <li data-pending=${c.id}>
              <code>${c.id}</code> <span class="badge">${c.action}</span>
              <${f} class="link" onClick=${()=>l(c.id)} busyText="Discarding…"
                aria-label=${`Discard ${c.id}`}>Discard</${f}>
              <details>
                <summary>Diff of <code>${c.file}</code></summary>
                <${W} diff=${c.diff} label=${`pending diff ${c.id}`} />
              </details>
            </li>
          `)}
      </ul>
    `}
  `}function Mn({status:e,onApplied:t}){let[a,n]=m(null),[r,s]=m(null),i=e.apply_mode==="manual"||e.pending_count>0;async function l(){n(null),s(null);try{s(await h("POST","/api/config/apply"))}catch(c){n(c)}t()}return o`
    <p>
      Apply mode <strong>${e.apply_mode}</strong>:
      ${e.pending_count===0?" nothing pending.":` ${e.pending_count} change${e.pending_count===1?"":"s"} not yet served.`}
    </p>
    ${e.pending.length>0&&o`
      <${Vn} count=${e.pending_count}
        onChanged=${t} />
    `}
    ${i&&o`
      <${f} class="primary" onClick=${l} busyText="Applying…">Apply now</${f}>
    `}
    <${y} error=${a} title="Apply failed" />
    ${r&&o`<div class="success" role="status">Apply finished: ${r.status}${r.generation!=null?`, generation ${r.generation}`:""}.</div>`}
  `}function In({reasons:e}){return e.length?o`
    <section class="panel" aria-labelledby="dash-why">
      <h2 id="dash-why">Why</h2>
      <ul class="reasons">
        ${e.map(t=>o`
            <li data-reason=${t.degraded?"degraded":"note"}>
              <span class=${`badge ${t.degraded?"bad":"warn"}`}>${t.degraded?"degraded":"note"}</span>
              <a href=${t.link}>${t.message}</a>
            </li>
          `)}
      </ul>
    </section>
  `:null}function Hn(){let e=S(Fn,[]),t=S(()=>h("GET","/api/config/status"),[]),a=e.data,n=t.data,r=()=>Promise.all([e.reload(),t.reload()]),s=n?Object.entries(n).filter(([c])=>!jn.has(c)):[],i=n?.drift,l=o`<p class="muted">Loading…</p>`;return o`
    <div class="page-head">
      <h1>Dashboard</h1>
      <${f} onClick=${r} busy=${e.loading||t.loading} busyText="Refreshing…">Refresh</${f}>
    </div>
    <${y} error=${e.error||t.error} />
    ${a&&o`
      ${(n?.warnings??[]).map(c=>o`<div class="warning" role="status">${c}</div>`)}
      <${In} reasons=${a.health.reasons||[]} />
      ${i&&!i.ok&&o`
        <div class="warning" role="status" data-drift-badge>
          <span class="badge warn">drift</span> ${i.files.length} managed file${i.files.length===1?"":"s"} changed by hand: <a href="#/drift">review in Drift</a>.
        </div>
      `}
      <${Bn} certs=${a.certs} />
      <${Sa} />
      <div class="grid">
        <section class="panel" aria-labelledby="dash-agent">
          <h2 id="dash-agent">Agent</h2>
          <dl class="facts">
            <dt>Health</dt>
            <dd><span class=${`badge ${a.health.status==="ok"?"ok":"bad"}`}>${a.health.status}</span>${i&&!i.ok&&o`
                <a class="badge warn" href="#/drift" data-health-drift>drift</a>
              `}</dd>
            <dt>Version</dt>
            <dd>${a.health.version}${a.health.dev?" (dev mode)":""}</dd>
            <dt>Up</dt>
            <dd>${Math.round(a.health.uptime_s/60)} min</dd>
            ${Object.entries(a.counts).map(([c,u])=>o`
                <dt>${c[0].toUpperCase()+c.slice(1)}</dt>
                <dd><a href=${`#/${c}`} data-count=${c}>${u.toLocaleString("en")}</a></dd>
              `)}
            ${n?.buckets&&o`
              <dt>Unrouted buckets</dt>
              <dd data-unrouted-buckets><a href="#/buckets">${n?.buckets.unrouted}</a>${n?.buckets.routed_target_missing>0&&o`
                <span class="badge bad">${n?.buckets.routed_target_missing} routed, missing on their pool</span>
              `}</dd>
            `}
          </dl>
        </section>
        <section class="panel" aria-labelledby="dash-nginx">
          <h2 id="dash-nginx">nginx</h2>
          <${On} nginx=${a.health.nginx} />
        </section>
        <section class="panel" aria-labelledby="dash-gen">
          <h2 id="dash-gen">Configuration</h2>
          ${n?o`
              <dl class="facts">
                <dt>Generation</dt>
                <dd>${n.generation??"none yet"}</dd>
                <dt>Hash</dt>
                <dd class="mono">${(n.config_hash||"\u2013").slice(0,16)}</dd>
              </dl>
              <${Mn} status=${n} onApplied=${r} />
            `:l}
        </section>
      </div>
      <section class="panel" aria-labelledby="dash-last" data-loaded=${n?"yes":"no"}>
        <h2 id="dash-last">Last apply</h2>
        ${n?o`<${We} outcome=${n.last_apply} />`:l}
      </section>
      ${s.map(([c,u])=>o`
          <section class="panel">
            <details>
              <summary><strong>${c}</strong></summary>
              <pre>${JSON.stringify(u,null,2)}</pre>
            </details>
          </section>
        `)}
    `}
  `}P({path:"/",title:"Dashboard",component:Hn});var Te=new Set;function Ta(){return Te.size>0}function Ea(){return Ta()?confirm("You have unsaved edits. Leave this page and lose them?")?(Te.clear(),!0):!1:!0}addEventListener("beforeunload",e=>{Ta()&&(e.preventDefault(),e.returnValue="")});function ge(e){L(()=>{let t={};return e&&Te.add(t),()=>Te.delete(t)},[e])}function Ke(){Te.clear()}function Ee(e){let{version:t,created_at:a,updated_at:n,managed_by:r,apply:s,...i}=e;return i}var bt=null;function K(e){bt=e}async function Gn(e,t,a,n){let r=n.detail||{};if(!r.file||!r.line)return null;try{let s=await h("POST",`/api/console/preview/${e}/${b(t)}?line=${r.line}`,a);return s.file===r.file?s:{...s,mark:null}}catch{return null}}function J(e,t,a={}){let[n,r]=m(()=>{let l=bt;return bt=null,{busy:!1,error:null,saved:l,candidate:null}});async function s(l,c,u){r({busy:!0,error:null,saved:null,candidate:null});try{let p=await h("PUT",`/api/${t}/${b(l)}`,c,{ifMatch:u??0});return Ke(),r({busy:!1,error:null,saved:p,candidate:null}),R(`Saved ${e} ${l} (version ${p.version})`),p}catch(p){if(a.onError&&await a.onError(p))return r({busy:!1,error:null,saved:null,candidate:null}),null;let $=p,d=null;return p.code==="PRECONDITION_FAILED"&&!u&&($=new ie(409,{error:{code:"CONFLICT",message:`name: a ${e} named "${l}" already exists; open it from the list to edit it`,detail:{field:"name"}}})),p.detail?.current_version!==void 0&&(a.onAdopt?.(p.detail.current_version),d=await Gn(t,l,c,p),d?.mark?.field&&!$.field&&($.field=d.mark.field)),r({busy:!1,error:$,saved:null,candidate:d}),Se($),null}}return{...n,save:s,setError:l=>{r({busy:!1,error:l,saved:null,candidate:null}),Se(l)}}}function _e(e){for(let[t,a,n]of e)if(n==null||String(n).trim()==="")return new ie(400,{error:{code:"VALIDATION_FAILED",message:`${t}: required`,detail:{field:t}}});return null}var Un={applied:"nginx serves it now",unchanged:"nothing to apply",pending:"waiting for Apply (manual mode)",dry_run:"written, nginx commands ran in dry-run",failed:"the apply failed"};function Y({rec:e}){if(!e)return null;let t=e.apply?.status??"unchanged";return o`
    <div class="success" role="status">
      Saved version ${e.version}. Apply: <${ce} status=${t} /> ${Un[t]||""}${e.apply?.generation!=null?` (generation ${e.apply.generation})`:""}.
    </div>
  `}function Je({plural:e,name:t,body:a}){let[n,r]=m(null),[s,i]=m(null);async function l(){i(null);try{r(await h("POST",`/api/console/preview/${e}/${b(t)}`,a()))}catch(c){r(null),i(c)}}return o`
    <section class="panel" aria-label="nginx preview">
      <div class="row">
        <${f} onClick=${l} busyText="Rendering…"
          disabled=${!t}>${n===null?"Preview":"Refresh preview"}</${f}>
        <span class="hint">The nginx file this draft renders to, and what changes against what nginx serves. Nothing is saved.</span>
      </div>
      <${y} error=${s} title="Preview refused" />
      ${n&&o`
        <h3>${n.changed?"Changes against what nginx serves":"Same as what nginx serves"}</h3>
        ${n.changed&&o`<${W} diff=${n.diff} label="draft diff" />`}
        <details open>
          <summary>Whole file <code>${n.file}</code></summary>
          <pre data-preview=${t}>${n.text}</pre>
        </details>
      `}
    </section>
  `}function Ye({candidate:e,error:t}){return!e||!t?.detail?.line?null:o`
    <details class="panel" open data-candidate>
      <summary>
        The refused file <code>${e.file}</code>, line ${t.detail.line}${e.mark?.field?o`
            (from <code>${e.mark.field}</code>)
          `:""}
      </summary>
      <${fa} text=${e.text} line=${t.detail.line} label="refused file" />
    </details>
  `}var qn={proxy:"proxies",project:"projects",cert:"certs",site:"sites",pool:"pools"};function vt(e){return`#/${qn[e.kind]??`${e.kind}s`}/edit/${b(e.name)}`}function Ze({managedBy:e,kind:t}){return e?o`
    <div class="notice" role="note" data-managed>
      This ${t} is managed by ${e.kind}
      <a href=${vt(e)}>${e.name}</a>: it is read-only here; change it
      there.
    </div>
  `:null}function Pa(e){let t=e.replace(/^#/,"")||"/",[a,n=""]=t.split("?"),r=Object.fromEntries(new URLSearchParams(n)),s=a.split("/").filter(Boolean).map(decodeURIComponent);return{path:"/"+s.map(encodeURIComponent).join("/"),segments:s,query:r}}var Ca=e=>e.replace(/^#/,"").split("?")[0]||"/";function Da(){let[e,t]=m(()=>Pa(location.hash)),a=q(location.hash);return L(()=>{let n=()=>{if(location.hash!==a.current){if(Ca(location.hash)!==Ca(a.current)&&!Ea()){history.replaceState(null,"",a.current||"#/");return}a.current=location.hash,t(Pa(location.hash))}};return addEventListener("hashchange",n),n(),()=>removeEventListener("hashchange",n)},[]),e}function Z(e,t){let a=t?new URLSearchParams(Object.entries(t).filter(([,n])=>n!==void 0&&n!=="")).toString():"";return`#${e}${a?`?${a}`:""}`}function N(e,t){location.hash=Z(e,t)}var yt="********";function La(e,t,a){return e.type!=="nanio"?(delete e.region,delete e.credentials,e.source_nanio_pool||delete e.source_nanio_pool,e.type!=="http"&&delete e.type,e):(delete e.source_nanio_pool,t.access_key||t.secret_key?e.credentials={access_key:t.access_key||yt,...t.secret_key?{secret_key:t.secret_key}:{}}:a?e.credentials={access_key:yt,secret_key:yt}:delete e.credentials,e)}function Ra({draft:e,set:t,creds:a,setCreds:n}){let r=e.type==="nanio",s=!!e.credentials;return o`
    <fieldset>
      <legend>Storage</legend>
      <div class="row">
        <${v} field="type" label="Type" as="select" value=${e.type||"http"}
          onValue=${t("type")}>
          <option value="http">http</option>
          <option value="nanio">nanio (S3 nodes)</option>
        </${v}>
        ${r?o`
            <${v} field="region" label="Region" value=${e.region}
              onValue=${i=>t("region")(i||void 0)} placeholder="us-east-1" />
          `:o`
            <${v} field="source_nanio_pool" label="Serves the data of nanio pool"
              value=${e.source_nanio_pool} onValue=${i=>t("source_nanio_pool")(i||void 0)}
              placeholder="(none)" />
          `}
      </div>
      ${r&&o`
        <div class="row">
          <${v} field="credentials.access_key" label="S3 access key" value=${a.access_key}
            onValue=${i=>n({...a,access_key:i})} autocomplete="off"
            placeholder=${s?"stored (leave blank to keep)":"access key"} />
          <${v} field="credentials.secret_key" label="S3 secret key" type="password"
            value=${a.secret_key} onValue=${i=>n({...a,secret_key:i})}
            autocomplete="new-password"
            placeholder=${s?"stored (leave blank to keep)":"secret key"} />
        </div>
        <p
          class="hint">Sealed at rest and never shown again. Empty: the s3_access_key/s3_secret_key settings.</p>
      `}
    </fieldset>
  `}function Wn(e){return navigator.clipboard?.writeText(e).catch(()=>{})}function Aa({pool:e}){let t=e.type==="nanio"?["nanio-only","nginx-nanio"]:e.source_nanio_pool?["nginx-only"]:[],[a,n]=m(null),[r,s]=m(null);if(!t.length||!e.members.length)return null;async function i(l,c){s(null);try{n(await h("GET",`/api/pools/${b(e.name)}/members/${b(l)}/node-config?type=${c}`))}catch(u){s(u)}}return o`
    <section class="panel" aria-label="Node setup">
      <h2>Node setup</h2>
      <p class="hint">Rendered only: nothing is deployed. Credentials are placeholders.</p>
      ${e.members.map(l=>o`<div class="row" data-node=${l.address}><code>${l.address}</code>
          ${t.map(c=>o`<${f} onClick=${()=>i(l.address,c)}>${c}</${f}>`)}
        </div>`)}
      <${y} error=${r} />
      ${a&&o`
        <div data-node-config>
          ${a.files.map(l=>o`
              <div>
                <div
                  class="row"><strong>${l.path}</strong> <span class="muted">mode ${l.mode}, ${l.owner}</span>
                              <button type="button" onClick=${()=>Wn(l.content)} aria-label=${`Copy ${l.path}`}>Copy</button></div>
                <pre>${l.content}</pre>
              </div>
            `)}
          <ol>${a.instructions.map(l=>o`<li><code>${l}</code></li>`)}</ol>
        </div>
      `}
    </section>
  `}var zn=["round_robin","least_conn","ip_hash","hash"],Kn={name:"",description:"",lb_method:"round_robin",keepalive:32,members:[]},Jn={address:"",weight:1,backup:!1,down:!1};function Yn({m:e,i:t,set:a,remove:n}){let r=`members[${t}]`,s=ne(r),i=l=>c=>a({...e,[l]:c});return o`
    <tr class=${s?"invalid":""} data-member=${t}>
      <td>
        <${v} field=${`${r}.address`} label=${`Member ${t+1} address`} hideLabel
          value=${e.address} onValue=${i("address")} placeholder="127.0.0.1:9000" />
      </td>
      <td>
        <${z} field=${`${r}.weight`} label=${`Member ${t+1} weight`} hideLabel
          value=${e.weight} onValue=${i("weight")} min="1" max="1000" />
      </td>
      <td>
        <${z} field=${`${r}.max_fails`} label=${`Member ${t+1} max fails`} hideLabel
          value=${e.max_fails} onValue=${i("max_fails")} min="0" placeholder="1" />
      </td>
      <td>
        <${v} field=${`${r}.fail_timeout`} label=${`Member ${t+1} fail timeout`} hideLabel
          value=${e.fail_timeout} onValue=${l=>i("fail_timeout")(l||void 0)} placeholder="10s" />
      </td>
      <td>
        <${O} field=${`${r}.backup`} label="backup" checked=${e.backup} onValue=${i("backup")} />
      </td>
      <td>
        <${O} field=${`${r}.down`} label="down" checked=${e.down} onValue=${i("down")} />
      </td>
      <td><button type="button" class="link" onClick=${n}
        aria-label=${`Remove member ${t+1}`}>Remove</button></td>
    </tr>
  `}function Zn({members:e,onValue:t}){let a=n=>r=>t(e.map((s,i)=>i===n?r:s));return o`
    <fieldset>
      <legend>Members</legend>
      ${e.length===0&&o`<p class="muted">No members: requests get 502 until you add one.</p>`}
      ${e.length>0&&o`
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Address</th>
                <th>Weight</th>
                <th>Max fails</th>
                <th>Fail timeout</th>
                <th>Backup</th>
                <th>Down</th>
                <th><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>${e.map((n,r)=>o`
                <${Yn} key=${r} m=${n} i=${r} set=${a(r)}
                  remove=${()=>t(e.filter((s,i)=>i!==r))} />
              `)}
          </tbody>
          </table>
        </div>
      `}
      <button type="button" onClick=${()=>t([...e,{...Jn}])}>Add member</button>
      <p class="hint">Address: <code>host:port</code>, <code>[v6]:port</code> or <code>unix:/path</code>.</p>
    </fieldset>
  `}function Xn({initial:e,isNew:t}){let[a,n]=m(e),[r,s]=m({access_key:"",secret_key:""}),{busy:i,error:l,saved:c,candidate:u,save:p,setError:$}=J("pool","pools",{onAdopt:E=>n(F=>({...F,version:E}))}),[d,_]=m(null),[g,k]=m(!1);ge(g);let x=!!a.managed_by,T=E=>F=>{k(!0),n(I=>({...I,[E]:F}))};function w(){let E=La(Ee(a),r,!!a.credentials);return E.lb_method!=="hash"&&(delete E.hash_key,delete E.hash_consistent),E}async function C(E){E.preventDefault();let F=_e([["name","Name",a.name],...a.members.map((te,oe)=>[`members[${oe}].address`,`Member ${oe+1} address`,te.address])]);if(F)return $(F);let I=await p(a.name,w(),t?0:a.version);I&&(k(!1),n(I),s({access_key:"",secret_key:""}),t&&(K(I),N(`/pools/edit/${b(I.name)}`)))}async function j(){if(confirm(`Delete pool "${a.name}"?`)){_(null);try{await h("DELETE",`/api/pools/${b(a.name)}`),N("/pools")}catch(E){_(E)}}}return o`
    <${B.Provider} value=${l}>
      <form onSubmit=${C} novalidate aria-label="Pool">
        <${y} error=${l} title="Not saved" />
        <${Y} rec=${c} />
        <${Ye} candidate=${u} error=${l} />
        <${Ze} managedBy=${a.managed_by} kind="pool" />
        <fieldset class="plain" disabled=${x}>
          <div class="panel">
            <div class="row">
              <${v} field="name" label="Name" value=${a.name} onValue=${T("name")}
                disabled=${!t} placeholder="web" required hint=${t?"Lower case letters, digits, '-'":void 0} />
              <${v} field="lb_method" label="Load balancing" as="select" value=${a.lb_method}
                onValue=${T("lb_method")}>${zn.map(E=>o`<option value=${E}>${E}</option>`)}</${v}>
            <${z} field="keepalive" label="Keepalive connections" value=${a.keepalive}
              onValue=${T("keepalive")} min="0" />
          </div>
          ${a.lb_method==="hash"&&o`
            <div class="row">
              <${v} field="hash_key" label="Hash key" value=${a.hash_key}
                onValue=${E=>T("hash_key")(E||void 0)} placeholder="$request_uri" grow />
              <${O} field="hash_consistent" label="consistent (ketama)"
                checked=${a.hash_consistent} onValue=${T("hash_consistent")} />
            </div>
          `}
          <${v} field="description" label="Description" value=${a.description}
            onValue=${T("description")} />
        </div>
        <${Ra} draft=${a} set=${T} creds=${r} setCreds=${s} />
        <${Zn} members=${a.members} onValue=${T("members")} />
        </fieldset>
        <div class="actions">
          ${!x&&o`
              <${f} type="submit" class="primary" busy=${i}
                busyText="Saving and applying…">Save</${f}>
            `}
          ${l&&o`<span class="field-error">Not saved: ${l.code} (see above)</span>`}
          ${!t&&!x&&o`<${f} class="danger" onClick=${j} busyText="Deleting…">Delete pool</${f}>`}
          <a href="#/pools">Back to pools</a>
        </div>
        <${y} error=${d} title="Delete refused" />
      </form>
    </${B.Provider}>
    ${!t&&o`<${Aa} pool=${a} />`}
    ${!x&&o`<${Je} plural="pools" name=${a.name} body=${w} />`}
  `}function kt({name:e}){let{data:t,error:a}=S(()=>e?h("GET",`/api/pools/${b(e)}`):Promise.resolve(Kn),[e]);return o`
    <div class="page-head">
      <h1>${e?`Pool ${e}`:"New pool"}</h1>
    </div>
    <${y} error=${a} />
    ${t&&o`<${Qn} upstream=${t.upstream} />`}
    ${t&&o`<${Xn} initial=${t} isNew=${!e} />`}
  `}function Qn({upstream:e}){if(!e?.shared_with?.length)return null;let a=`${e.shared_with.length===1?"pool":"pools"} ${e.shared_with.join(", ")}`;return o`<p class="muted" data-testid="shared-upstream">
    Served by the shared upstream <code>${e.name}</code> (in <code>${e.file}</code>)${" "}
    with the identical ${a}: a change of this pool's members gives it its own again.
  </p>`}var eo={healthy:"ok",unhealthy:"bad",ejected:"warn",unknown:""};function Na({name:e}){let{data:t,error:a,loading:n,reload:r}=S(()=>h("GET",`/api/pools/${b(e)}/health`),[e]);return o`
    <div class="page-head">
      <h1>Health of pool ${e}</h1>
      <${f} onClick=${r} busy=${n} busyText="Refreshing…">Refresh</${f}>
    </div>
    <p><a href="#/pools">Back to pools</a> · <a href=${`#/pools/edit/${b(e)}`}>Edit pool</a></p>
    <${y} error=${a} />
    ${t&&o`
      ${t.reasons.map(s=>o`<div class="warning" role="status">${s.message}</div>`)}
      ${!t.health_check&&t.members.length===0&&o`
        <p class="muted">This pool has no health_check: its members are not probed.</p>
      `}
      <div class="panel table-wrap">
        <table>
          <thead>
            <tr>
              <th>Member</th>
              <th>Status</th>
              <th>Last check</th>
              <th class="num">Latency</th>
              <th>Last error</th>
              <th class="num">Transitions</th>
            </tr>
          </thead>
          <tbody>
            ${t.members.map(s=>o`
                <tr data-member=${s.address}>
                  <td><code>${s.address}</code>${s.operator_down&&o`
                    <span class="badge">down (operator)</span>
                  `}</td>
                  <td><span class=${`badge ${eo[s.status]||""}`}>${s.status}</span>
                    ${s.not_ejected&&o`<div class="hint">not ejected: ${s.not_ejected}</div>`}</td>
                  <td>${s.last_check_at?new Date(s.last_check_at).toLocaleTimeString():"\u2013"}</td>
                  <td class="num">${s.latency_ms==null?"\u2013":`${s.latency_ms} ms`}</td>
                  <td>${s.last_error||""}</td>
                  <td class="num">${s.transitions}</td>
                </tr>
              `)}
          </tbody>
        </table>
      </div>
    `}
  `}var to=50;function X(e,t,a,n){let r=a.q??"",s=a.sort??"name",i=Number(a.page||1);return{...S(async()=>{let u=new URLSearchParams({q:r,sort:s,page:String(i),per_page:String(to)}),p=performance.now(),$=await h("GET",`/api/${t}?${u}`),d=n?await n($):{};return{...$,...d,ms:Math.round(performance.now()-p)}},[t,r,s,i]),q:r,sort:s,page:i,go:u=>N(e,{q:r,sort:s,...u})}}function Q({list:e,label:t,sorts:a}){let[n,r]=m(e.q);return L(()=>r(e.q),[e.q]),L(()=>{if(n===e.q)return;let s=setTimeout(()=>e.go({q:n,page:void 0}),250);return()=>clearTimeout(s)},[n]),o`
    <form class="row list-controls" role="search" onSubmit=${s=>{s.preventDefault(),e.go({q:n,page:void 0})}}>
      <div class="field grow">
        <label for="list-q">Search ${t}</label>
        <input id="list-q" type="search" value=${n} onInput=${s=>r(s.currentTarget.value)}
          placeholder="name, server name, pool, target…" />
      </div>
      <div class="field">
        <label for="list-sort">Sort by</label>
        <select id="list-sort" value=${e.sort} onChange=${s=>e.go({sort:s.currentTarget.value,page:void 0})}>
          ${a.map(([s,i])=>o`<option value=${s}>${i}</option>`)}
        </select>
      </div>
    </form>
  `}function ee({list:e,path:t}){let a=e.data;if(!a)return null;let n=a.total===0?0:(a.page-1)*a.per_page+1,r=Math.min(a.total,a.page*a.per_page),s=Math.max(1,Math.ceil(a.total/a.per_page)),i=l=>Z(t,{q:e.q,sort:e.sort,page:l>1?String(l):void 0});return o`
    <nav class="actions pager" aria-label="Pages">
      ${a.page>1&&o`<a class="button" href=${i(a.page-1)}>← Previous</a>`}
      <span class="muted" data-total=${a.total}>${n}–${r} of ${a.total.toLocaleString("en")}</span>
      ${a.page<s&&o`<a class="button" href=${i(a.page+1)}>Next →</a>`}
    </nav>
  `}function ao({use:e,pool:t}){if(!e)return o`<span class="muted">none</span>`;let a=e.first.slice(0,3).map(n=>n.slice(n.indexOf("/")+1));return o`
    <span
      data-used-by=${e.count}><strong>${e.count}</strong> ${e.count===1?"site":"sites"}: ${a.map((n,r)=>o`${r?", ":""}<a href=${`#/sites/edit/${b(n)}`}>${n}</a>`)}${e.count>a.length&&o`, … <a href=${Z("/sites",{q:t})}>show all</a>`}</span>
  `}var no=[["name","Name"],["-name","Name (Z\u2013A)"],["lb_method","Method"],["-updated_at","Recently changed"]];function oo({route:e}){let t=X("/pools","pools",e.query),{data:a,error:n,reload:r}=t,s=a?a.items.map(p=>p.name).join(","):"",i=S(()=>s?h("GET",`/api/console/used-by/pools?names=${b(s)}`):Promise.resolve({used_by:{}}),[s]),[l,c]=m(null);async function u(p){if(confirm(`Delete pool "${p}"?`)){c(null);try{await h("DELETE",`/api/pools/${b(p)}`),R(`Deleted pool ${p}`)}catch($){c($)}await r()}}return o`
    <div class="page-head">
      <h1>Pools</h1>
      <a class="button primary" href="#/pools/new">New pool</a>
    </div>
    <${Q} list=${t} label="pools" sorts=${no} />
    <${y} error=${n} />
    <${y} error=${l} title="Delete refused" />
    ${a&&o`
      <div class="panel table-wrap">
        ${a.items.length===0?o`<p class="muted">${t.q?`No pool matches "${t.q}".`:"No pools yet. A pool is a set of backend servers (an nginx upstream)."}</p>`:o`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Members</th>
                  <th>Method</th>
                  <th class="num">Keepalive</th>
                  <th>Used by</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${a.items.map(p=>o`
                    <tr data-pool=${p.name}>
                      <td><a href=${`#/pools/edit/${b(p.name)}`}>${p.name}</a>
                        ${p.health_check&&o`
                          <a class="badge" href=${`#/pools/health/${b(p.name)}`}>health</a>
                        `}
                        ${p.managed_by&&o`
                          <span class="badge">managed by ${p.managed_by.kind}</span>
                        `}
                        ${p.description&&o`<div class="hint">${p.description}</div>`}</td>
                      <td>${p.members.length===0?o`<span class="muted">none</span>`:p.members.map($=>o`
                            <div><code>${$.address}</code>${$.weight!==1?` \xD7${$.weight}`:""}
                              ${$.backup&&o`
                                <span class="badge">backup</span>
                              `}
                              ${$.down&&o`
                                <span class="badge bad">down</span>
                              `}</div>
                          `)}</td>
                      <td>${p.lb_method}</td>
                      <td class="num">${p.keepalive}</td>
                      <td>${i.data&&o`<${ao} use=${i.data.used_by[p.name]} pool=${p.name} />`}</td>
                      <td>
                        ${!p.managed_by&&o`
                          <${f} class="danger" onClick=${()=>u(p.name)} busyText="Deleting…"
                            aria-label=${`Delete pool ${p.name}`}>Delete</${f}>
                        `}</td>
                    </tr>
                  `)}
              </tbody>
            </table>
          `}
        <${ee} list=${t} path="/pools" />
      </div>
    `}
  `}function ro({route:e}){let[t,a]=e.rest;return t==="new"?o`<${kt} key="new" name=${null} />`:t==="edit"&&a?o`<${kt} key=${a} name=${a} />`:t==="health"&&a?o`<${Na} key=${a} name=${a} />`:o`<${oo} route=${e} />`}P({path:"/pools",title:"Pools",component:ro});function ja(e){return e.split(/[\s,]+/).filter(Boolean)}function le({value:e,onValue:t,...a}){let n=e??[],[r,s]=m(n.join(`
`)),i=ja(r).join(`
`)===n.join(`
`)?r:n.join(`
`);return o`
    <${v}
      as="textarea"
      rows="3"
      ...${a}
      value=${i}
      onValue=${l=>{s(l),t(ja(l))}}
    />
  `}var wt=["pool","upstream","redirect","static"],so=[301,302,303,307,308];function Xe(e){return wt.find(t=>e[t]!==void 0)||"pool"}function io(e,t){let a={...e};for(let n of wt)delete a[n];return a[t]=t==="redirect"?{url:"",code:301}:t==="static"?{root:""}:"",t==="redirect"&&(a.websocket=!1),a}function lo(){return{name:"",path:"/",match:"prefix",pool:"",websocket:!1,strip_prefix:!1}}function Fa(e,t){let a=(e||"").toLowerCase().replace(/[^a-z0-9]+/g,"-").replace(/^-+|-+$/g,"").slice(0,56)||"root",n=a;for(let r=2;t.has(n);r++)n=`${a}-${r}`;return n}function co({r:e,at:t,label:a,pools:n,set:r}){let s=Xe(e);return s==="pool"?o`
      <${v} as="select" field=${`${t}.pool`} label=${`${a} pool`} hideLabel
        value=${e.pool} onValue=${i=>r({...e,pool:i})}>
            <option value="">— choose a pool —</option>
            ${n.map(i=>o`<option value=${i}>${i}</option>`)}
            ${e.pool&&!n.includes(e.pool)&&o`<option value=${e.pool}>${e.pool} (missing)</option>`}
          </${v}>
    `:s==="upstream"?o`
      <${v} field=${`${t}.upstream`} label=${`${a} upstream URL`} hideLabel
        value=${e.upstream} onValue=${i=>r({...e,upstream:i})} placeholder="http://127.0.0.1:9000" />
    `:s==="redirect"?o`
      <div class="row">
        <${v} field=${`${t}.redirect.url`} label=${`${a} redirect URL`} hideLabel grow
          value=${e.redirect.url} onValue=${i=>r({...e,redirect:{...e.redirect,url:i}})}
          placeholder="https://example.com$request_uri" />
        <${v} as="select" field=${`${t}.redirect.code`} label=${`${a} redirect code`} hideLabel
          value=${String(e.redirect.code??301)}
          onValue=${i=>r({...e,redirect:{...e.redirect,code:Number(i)}})}>
              ${so.map(i=>o`<option value=${String(i)}>${i}</option>`)}
            </${v}>
          </div>
    `:o`
    <${v} field=${`${t}.static.root`} label=${`${a} static root`} hideLabel
      value=${e.static.root} onValue=${i=>r({...e,static:{...e.static,root:i}})}
      placeholder="/srv/www" />
  `}function uo({r:e,at:t,label:a,set:n}){let r=s=>i=>n({...e,[s]:i===""?void 0:i});return o`
    <div class="row">
      <${O} field=${`${t}.preserve_host`} label="send the client's Host"
        checked=${e.preserve_host!==!1} onValue=${s=>n({...e,preserve_host:s})} />
      ${["connect_timeout","read_timeout","send_timeout"].map(s=>o`
          <${v} field=${`${t}.${s}`} label=${s.replace("_"," ")} value=${e[s]}
            onValue=${r(s)} placeholder="e.g. 30s" aria-label=${`${a} ${s.replace("_"," ")}`} />
        `)}
    </div>
    ${e.static&&o`
      <div class="row">
        <${le} field=${`${t}.static.index`} label="Index files" value=${e.static.index??["index.html"]}
          onValue=${s=>n({...e,static:{...e.static,index:s}})} rows="1" />
        <${O} field=${`${t}.static.autoindex`} label="directory listing"
          checked=${e.static.autoindex} onValue=${s=>n({...e,static:{...e.static,autoindex:s}})} />
      </div>
    `}
    <${v} as="textarea" field=${`${t}.extra`} label="Extra nginx directives in this location"
      value=${e.extra} onValue=${r("extra")} placeholder="proxy_buffering off;" />
    ${e.ip_rules&&o`<p class="hint">
      This route has its own IP rules (${e.ip_rules.mode} ${e.ip_rules.addresses.join(", ")}): they are kept as they are.
    </p>`}
  `}function po({r:e,i:t,pools:a,set:n,remove:r}){let s=`routes[${t}]`,i=`Route ${t+1}`,l=ne(s),[c,u]=m(!1),p=Xe(e),$=p==="pool"||p==="upstream";return o`
    <tr class=${l?"invalid":""} data-route=${t}>
      <td>
        <${v} field=${`${s}.name`} label=${`${i} name`} hideLabel value=${e.name}
          onValue=${d=>n({...e,name:d})} placeholder="(from path)" />
      </td>
      <td>
        <${v} field=${`${s}.path`} label=${`${i} path`} hideLabel value=${e.path}
          onValue=${d=>n({...e,path:d})} />
      </td>
      <td>
        <${v} as="select" field=${`${s}.match`} label=${`${i} match`} hideLabel
          value=${e.match??"prefix"} onValue=${d=>n({...e,match:d})}>
        <option value="prefix">prefix</option><option value="exact">exact</option><option value="regex">regex</option>
      </${v}></td>
      <td><label class="sr-only" for=${`tk-${t}`}>${i} target kind</label>
        <select id=${`tk-${t}`} value=${p} onChange=${d=>n(io(e,d.currentTarget.value))}>
          ${wt.map(d=>o`<option value=${d}>${d}</option>`)}
        </select></td>
      <td class="target"><${co} r=${e} at=${s} label=${i} pools=${a} set=${n} /></td>
      <td>${$&&o`
        <${O} field=${`${s}.websocket`} label="WebSocket" checked=${e.websocket}
          onValue=${d=>n({...e,websocket:d})} />
      `}
        ${p!=="redirect"&&o`
          <${O} field=${`${s}.strip_prefix`} label="strip prefix"
            checked=${e.strip_prefix} onValue=${d=>n({...e,strip_prefix:d})} />
        `}</td>
      <td>
        <button type="button" class="link" aria-expanded=${c?"true":"false"}
          onClick=${()=>u(!c)} aria-label=${`${c?"Hide":"More"} options of route ${t+1}`}>${c?"Less":"More"}</button>
        <button type="button" class="link" onClick=${r} aria-label=${`Delete route ${t+1}`}>Delete</button>
      </td>
    </tr>
    ${c&&o`
      <tr class=${l?"invalid":""}>
        <td colspan="7">
          <${uo} r=${e} at=${s} label=${i} set=${n} />
        </td>
      </tr>
    `}
  `}function Ba({routes:e,pools:t,onValue:a}){let n=r=>s=>a(e.map((i,l)=>l===r?s:i));return o`
    <fieldset>
      <legend>Routes</legend>
      ${e.length===0&&o`<p class="muted">No routes: the default pool (if any) serves <code>/</code>.</p>`}
      ${e.length>0&&o`
        <div class="table-wrap">
          <table class="routes">
            <thead>
              <tr>
                <th>Name</th>
                <th>Path</th>
                <th>Match</th>
                <th>Target</th>
                <th><span class="sr-only">Target value</span></th>
                <th>Options</th>
                <th><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>${e.map((r,s)=>o`
                <${po} key=${s} r=${r} i=${s} pools=${t} set=${n(s)}
                  remove=${()=>a(e.filter((i,l)=>l!==s))} />
              `)}
          </tbody>
          </table>
        </div>
      `}
      <button type="button" onClick=${()=>a([...e,lo()])}>Add route</button>
      <p class="hint">Paths start with <code>/</code>; <code>regex</code> takes a regular expression.
        Strip prefix sends <code>/api/x</code> to the target as <code>/x</code>.</p>
    </fieldset>
  `}function $o({l:e,i:t,set:a,remove:n}){let r=`listen[${t}]`,s=ne(r),i=l=>c=>a({...e,[l]:c});return o`
    <tr class=${s?"invalid":""}>
      <td>
        <${z} field=${`${r}.port`} label=${`Listen ${t+1} port`} hideLabel
          value=${e.port} onValue=${i("port")} min="1" max="65535" />
      </td>
      <td>
        <${v} field=${`${r}.address`} label=${`Listen ${t+1} address`} hideLabel
          value=${e.address} onValue=${l=>i("address")(l||void 0)} placeholder="(all)" />
      </td>
      <td>
        <${O} field=${`${r}.ssl`} label="ssl" checked=${e.ssl} onValue=${i("ssl")} />
      </td>
      <td>
        <${O} field=${`${r}.http2`} label="http2" checked=${e.http2} onValue=${i("http2")} />
      </td>
      <td>
        <${O} field=${`${r}.default_server`} label="default server" checked=${e.default_server}
          onValue=${i("default_server")} />
      </td>
      <td><button type="button" class="link" onClick=${n}
        aria-label=${`Remove listen ${t+1}`}>Remove</button></td>
    </tr>
  `}function Oa({listen:e,onValue:t}){let a=n=>r=>t(e.map((s,i)=>i===n?r:s));return o`
    <fieldset>
      <legend>Listen</legend>
      ${e.length===0?o`<p class="muted">Default ports: the agent's HTTP port, plus HTTPS when TLS is set.</p>`:o`
          <table>
            <thead>
              <tr>
                <th>Port</th>
                <th>Address</th>
                <th>SSL</th>
                <th>HTTP/2</th>
                <th>Default</th>
                <th><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>${e.map((n,r)=>o`
                <${$o} key=${r} l=${n} i=${r} set=${a(r)}
                  remove=${()=>t(e.filter((s,i)=>i!==r))} />
              `)}</tbody>
          </table>
        `}
      <button type="button" onClick=${()=>t([...e,{port:80,ssl:!1,http2:!1,default_server:!1}])}>Add listen port</button>
    </fieldset>
  `}function Va(e){let t=e.tls;return t?{mode:t.cert?"managed":"files",certificate:t.certificate??"",key:t.key??"",cert:t.cert??""}:{mode:"",certificate:"",key:"",cert:""}}function Ma(e){if(e.mode==="files")return{certificate:e.certificate,key:e.key};if(e.mode==="managed")return{cert:e.cert}}function Ia({tls:e,redirect:t,onValue:a,onRedirect:n}){let r=s=>i=>a({...e,[s]:i});return o`
    <fieldset>
      <legend>TLS</legend>
      <div class="row">
        <${v} as="select" field="tls" label="Certificate" value=${e.mode} onValue=${r("mode")}>
          <option value="">none (plain HTTP)</option>
          <option value="files">certificate and key files</option>
          <option value="managed">managed certificate (ACME)</option>
        </${v}>
        ${e.mode==="files"&&o`
          <${v} field="tls.certificate" label="Certificate file" value=${e.certificate}
            onValue=${r("certificate")} placeholder="/etc/ssl/site.pem" grow />
          <${v} field="tls.key" label="Key file" value=${e.key} onValue=${r("key")}
            placeholder="/etc/ssl/site.key" grow />
        `}
        ${e.mode==="managed"&&o`
          <${v} field="tls.cert" label="Managed certificate name" value=${e.cert}
            onValue=${r("cert")} grow />
        `}
      </div>
      ${e.mode&&o`
        <${O} field="redirect_http" label="Redirect plain HTTP to HTTPS"
          checked=${t} onValue=${n} />
      `}
    </fieldset>
  `}var fo=[["top","top (after the IP rules)"],["ssl","ssl (after the certificate)"],["proxy","proxy (before the locations)"],["end","end (before the closing brace)"]];function Ha({ip:e,onValue:t}){return o`
    <fieldset>
      <legend>IP rules</legend>
      <div class="row">
        <${v} as="select" field="ip_rules.mode" label="Mode" value=${e.mode}
          onValue=${a=>t({...e,mode:a})}>
          <option value="">none: every client</option>
          <option value="allow">allow only these</option>
          <option value="deny">deny these</option>
        </${v}>
        ${e.mode&&o`
          <${le} field="ip_rules.addresses" label="Addresses and CIDRs"
            value=${e.addresses} onValue=${a=>t({...e,addresses:a})} grow
            hint="One per line, e.g. 10.0.0.0/8" />
        `}
      </div>
    </fieldset>
  `}function mo({h:e,i:t,set:a,remove:n}){let r=ne(`response_headers.${e[0]}`);return o`
    <tr class=${r?"invalid":""}>
      <td>
        <${v} field=${`response_headers.${e[0]}`} label=${`Header ${t+1} name`} hideLabel
          value=${e[0]} onValue=${s=>a([s,e[1]])} placeholder="X-Frame-Options" />
      </td>
      <td>
        <${v} field=${`response_headers[${t}].value`} label=${`Header ${t+1} value`} hideLabel
          value=${e[1]} onValue=${s=>a([e[0],s])} placeholder="DENY" />
      </td>
      <td><button type="button" class="link" onClick=${n}
        aria-label=${`Remove header ${t+1}`}>Remove</button></td>
    </tr>
  `}function Ga({rows:e,onValue:t}){let a=n=>r=>t(e.map((s,i)=>i===n?r:s));return o`
    <fieldset>
      <legend>Response headers</legend>
      ${e.length>0&&o`
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
              <th><span class="sr-only">Remove</span></th>
            </tr>
          </thead>
          <tbody>${e.map((n,r)=>o`
              <${mo} key=${r} h=${n} i=${r} set=${a(r)}
                remove=${()=>t(e.filter((s,i)=>i!==r))} />
            `)}</tbody>
        </table>
      `}
      <button type="button" onClick=${()=>t([...e,["",""]])}>Add header</button>
      <p class="hint">Sent with every response (<code>add_header ... always</code>).</p>
    </fieldset>
  `}function ho({b:e,i:t,set:a,remove:n}){let r=ne(`extra_blocks[${t}]`);return o`
    <div class=${`row${r?" refused-target":""}`} data-block=${t}>
      <${v} as="select" field=${`extra_blocks[${t}].zone`} label=${`Block ${t+1} position`}
        value=${e.zone} onValue=${a(t,"zone")}>
        ${fo.map(([s,i])=>o`<option value=${s}>${i}</option>`)}
      </${v}>
      <${v} as="textarea" field=${`extra_blocks[${t}].content`} label=${`Block ${t+1} directives`}
        value=${e.content} onValue=${a(t,"content")} grow required />
      <button type="button" class="link" onClick=${n}
        aria-label=${`Remove block ${t+1}`}>Remove</button>
    </div>
  `}function Ua({blocks:e,onValue:t}){let a=(n,r)=>s=>t(e.map((i,l)=>l===n?{...i,[r]:s}:i));return o`
    <fieldset>
      <legend>Extra nginx blocks</legend>
      ${e.map((n,r)=>o`
          <${ho} key=${r} b=${n} i=${r} set=${a}
            remove=${()=>t(e.filter((s,i)=>i!==r))} />
        `)}
      <button type="button" onClick=${()=>t([...e,{zone:"top",content:""}])}>Add block</button>
      <p class="hint">
        Raw nginx, checked before use: braces must balance; <code>include</code>, <code>load_module</code>, Lua, njs and Perl directives are refused.
      </p>
    </fieldset>
  `}var go={name:"",description:"",server_names:[],listen:[],redirect_http:!1,routes:[],extra_blocks:[],response_headers:{}};function qa(e){let t=new Set(e.map(a=>a.name).filter(Boolean));return e.map(a=>{if(a.name)return a;let n=Fa(a.path,t);return t.add(n),{...a,name:n}})}function _o({initial:e,pools:t,isNew:a}){let[n,r]=m(e),[s,i]=m(()=>Object.entries(e.response_headers??{})),[l,c]=m(()=>e.ip_rules??{mode:"",addresses:[]}),[u,p]=m(()=>Va(e)),{busy:$,error:d,saved:_,candidate:g,save:k,setError:x}=J("site","sites",{onAdopt:V=>r(U=>({...U,version:V}))}),[T,w]=m(null),[C,j]=m(!1);ge(C);let E=!!n.managed_by,F=V=>U=>{j(!0),r(re=>({...re,[V]:U}))},I=V=>U=>{j(!0),V(U)};function te(V){let U=new Set;for(let[re]of s){if(U.has(re.toLowerCase()))throw $a("VALIDATION_FAILED",`response_headers.${re}`,"listed twice");U.add(re.toLowerCase())}return{...Ee(n),routes:V,response_headers:Object.fromEntries(s),ip_rules:l.mode?{mode:l.mode,addresses:l.addresses}:void 0,tls:Ma(u),redirect_http:u.mode?n.redirect_http:!1,default_pool:n.default_pool||void 0,client_max_body_size:n.client_max_body_size||void 0}}async function oe(V){V.preventDefault();let U=_e([["name","Name",n.name],...n.routes.map((ye,Rt)=>[`routes[${Rt}].path`,`Route ${Rt+1} path`,ye.path])]);if(U)return x(U);let re=qa(n.routes);r(ye=>({...ye,routes:re}));let Lt;try{Lt=te(re)}catch(ye){return x(ye)}let Le=await k(n.name,Lt,a?0:n.version);Le&&(j(!1),r(Le),a&&(K(Le),N(`/sites/edit/${b(Le.name)}`)))}async function G(){if(confirm(`Delete site "${n.name}"?`)){w(null);try{await h("DELETE",`/api/sites/${b(n.name)}`),N("/sites")}catch(V){w(V)}}}return o`
    <${B.Provider} value=${d}>
      <form onSubmit=${oe} novalidate aria-label="Site">
        <${y} error=${d} title="Not saved" />
        <${Y} rec=${_} />
        <${Ye} candidate=${g} error=${d} />
        <${Ze} managedBy=${n.managed_by} kind="site" />
        <fieldset class="plain" disabled=${E}>
          <div class="panel">
            <div class="row">
              <${v} field="name" label="Name" value=${n.name} onValue=${F("name")}
                disabled=${!a} placeholder="shop" required />
              <${v} as="select" field="default_pool" label="Default pool (serves /)"
                value=${n.default_pool??""} onValue=${F("default_pool")}>
              <option value="">none</option>
              ${t.map(V=>o`<option value=${V}>${V}</option>`)}
              ${n.default_pool&&!t.includes(n.default_pool)&&o`<option value=${n.default_pool}>${n.default_pool} (missing)</option>`}
            </${v}>
            <${v} field="client_max_body_size" label="Max body size" value=${n.client_max_body_size}
              onValue=${F("client_max_body_size")} placeholder="1m (nginx default)" />
          </div>
          <${le} field="server_names" label="Server names" value=${n.server_names}
            onValue=${F("server_names")} hint="One per line: shop.example.com, *.example.com, _ (any)" />
          <${v} field="description" label="Description" value=${n.description}
            onValue=${F("description")} />
        </div>
        <${Ba} routes=${n.routes} pools=${t} onValue=${F("routes")} />
        <${Oa} listen=${n.listen} onValue=${F("listen")} />
        <${Ia} tls=${u} onValue=${I(p)} redirect=${n.redirect_http} onRedirect=${F("redirect_http")} />
        <${Ha} ip=${l} onValue=${I(c)} />
        <${Ga} rows=${s} onValue=${I(i)} />
        <${Ua} blocks=${n.extra_blocks} onValue=${F("extra_blocks")} />
        </fieldset>
        <div class="actions">
          ${!E&&o`
              <${f} type="submit" class="primary" busy=${$}
                busyText="Saving and applying…">Save</${f}>
            `}
          ${d&&o`<span class="field-error">Not saved: ${d.code} (see above)</span>`}
          ${!a&&!E&&o`<${f} class="danger" onClick=${G} busyText="Deleting…">Delete site</${f}>`}
          <a href="#/sites">Back to sites</a>
        </div>
        <${y} error=${T} title="Delete refused" />
      </form>
    </${B.Provider}>
    ${!E&&o`<${Je} plural="sites" name=${n.name} body=${()=>{try{return te(qa(n.routes))}catch{return Ee(n)}}} />`}
  `}function xt({name:e}){let{data:t,error:a}=S(async()=>{let[n,r]=await Promise.all([e?h("GET",`/api/sites/${b(e)}`):Promise.resolve(go),h("GET","/api/pools")]);return{site:n,pools:r.pools.map(s=>s.name)}},[e]);return o`
    <div class="page-head">
      <h1>${e?`Site ${e}`:"New site"}</h1>
    </div>
    <${y} error=${a} />
    ${t&&o`<${_o} initial=${t.site} pools=${t.pools} isNew=${!e} />`}
  `}function Wa(e,t=Date.now()){if(!e)return null;let a=Date.parse(e);if(Number.isNaN(a))return null;let n=Math.floor((a-t)/1e3);if(n<=0)return"expired";let r=[["d",86400],["h",3600],["min",60],["s",1]],s=[];for(let[i,l]of r){if(n>=l||i==="s"&&!s.length)s.push(`${Math.floor(n/l)} ${i}`),n%=l;else if(s.length)break;if(s.length===2)break}return`expires in ${s.join(" ")}`}function Pe({at:e}){let t=Wa(e);return t?o`
    <span class=${`badge ${t==="expired"?"bad":"warn"}`} title=${e}
      data-expires=${e}>${t}</span>
  `:null}function bo(e){let t=Xe(e),a=t==="pool"?`pool ${e.pool}`:t==="upstream"?e.upstream:t==="redirect"?`${e.redirect.code} ${e.redirect.url}`:`files ${e.static.root}`;return`${e.match==="exact"?"= ":e.match==="regex"?"~ ":""}${e.path} \u2192 ${a}`}var vo=[["name","Name"],["-name","Name (Z\u2013A)"],["server_names","Server name"],["default_pool","Default pool"],["-updated_at","Recently changed"]];function yo({route:e}){let t=X("/sites","sites",e.query),{data:a,error:n,reload:r}=t,[s,i]=m(null);async function l(c){if(confirm(`Delete site "${c}"?`)){i(null);try{await h("DELETE",`/api/sites/${b(c)}`),R(`Deleted site ${c}`)}catch(u){i(u)}await r()}}return o`
    <div class="page-head">
      <h1>Sites</h1>
      <a class="button primary" href="#/sites/new">New site</a>
    </div>
    <${Q} list=${t} label="sites" sorts=${vo} />
    <${y} error=${n} />
    <${y} error=${s} title="Delete refused" />
    ${a&&o`
      <div class="panel table-wrap">
        ${a.items.length===0?o`<p class="muted">${t.q?`No site matches "${t.q}".`:"No sites yet. A site is an nginx server block: host names, ports and routes."}</p>`:o`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Server names</th>
                  <th>Listen</th>
                  <th>Default pool</th>
                  <th>Routes</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${a.items.map(c=>o`
                    <tr data-site=${c.name}>
                      <td><a href=${`#/sites/edit/${b(c.name)}`}>${c.name}</a>
                        ${c.managed_by&&o`
                          <a class="badge" href=${vt(c.managed_by)}>managed by ${c.managed_by.kind} ${c.managed_by.name}</a>
                        `}
                        <${Pe} at=${c.expires_at} />
                        ${c.description&&o`<div class="hint">${c.description}</div>`}</td>
                      <td>${c.server_names.length?c.server_names.join(", "):o`<span class="muted">none</span>`}</td>
                      <td>${c.listen.length?c.listen.map(u=>`${u.port}${u.ssl?" ssl":""}`).join(", "):o`<span class="muted">default${c.tls?" + https":""}</span>`}</td>
                      <td>${c.default_pool?o`<a href=${`#/pools/edit/${b(c.default_pool)}`}>${c.default_pool}</a>`:"\u2013"}</td>
                      <td>${c.routes.map(u=>o`<div><code>${bo(u)}</code> <${Pe} at=${u.expires_at} /></div>`)}</td>
                      <td>
                        ${!c.managed_by&&o`
                          <${f} class="danger" onClick=${()=>l(c.name)} busyText="Deleting…"
                            aria-label=${`Delete site ${c.name}`}>Delete</${f}>
                        `}</td>
                    </tr>
                  `)}
              </tbody>
            </table>
          `}
        <${ee} list=${t} path="/sites" />
      </div>
    `}
  `}function ko({route:e}){let[t,a]=e.rest;return t==="new"?o`<${xt} key="new" name=${null} />`:t==="edit"&&a?o`<${xt} key=${a} name=${a} />`:o`<${yo} route=${e} />`}P({path:"/sites",title:"Sites",component:ko});var wo={routed:"ok",unrouted:"warn",migrating:"warn",ignored:"",deleted:"bad"};function xo(){let{data:e,error:t}=S(async()=>{let[a,n]=await Promise.all([h("GET","/api/pools"),h("GET","/api/sites")]),r=new Set(a.pools.filter(s=>s.type==="nanio").map(s=>s.name));return n.sites.filter(s=>r.has(s.default_pool))},[]);return o`
    <div class="page-head">
      <h1>Buckets</h1>
    </div>
    <${y} error=${t} />
    ${e&&o`
      <div class="panel">
        ${e.length===0?o`<p class="muted">No site has a nanio default pool yet.</p>`:o`<ul>${e.map(a=>o`<li><a href=${`#/buckets/${b(a.name)}`}>${a.name}</a> <span class="muted">default pool ${a.default_pool}</span></li>`)}</ul>`}
      </div>
    `}
  `}function So({site:e,b:t,pools:a,onDone:n}){let[r,s]=m(t.routed_pool||a[0]||""),[i,l]=m(null),[c,u]=m(null);async function p($){u(null);try{await h("POST",`/api/sites/${b(e)}/buckets/${b(t.bucket)}/promote`,{pool:r,allow_orphan:$}),l(null),await n()}catch(d){d.field==="allow_orphan"?l(d):u(d)}}return o`
    <div class="row">
      <select aria-label=${`Pool for ${t.bucket}`} value=${r} onChange=${$=>s($.target.value)}>
        ${a.map($=>o`<option value=${$}>${$}</option>`)}
      </select>
      <${f} onClick=${()=>p(!1)} busyText="Routing…" aria-label=${`Promote ${t.bucket}`}>Promote</${f}>
    </div>
    ${i&&o`
      <div class="warning" role="alert" data-orphan-conflict>
        <p>${i.message}</p>
        <${f} class="danger" onClick=${()=>p(!0)}
          busyText="Routing…">Route anyway (leave orphans)</${f}>
        <button type="button" class="link" onClick=${()=>l(null)}>Cancel</button>
      </div>
    `}
    <${y} error=${c} title="Not routed" />
  `}function To({site:e,onDone:t}){let[a,n]=m(null),[r,s]=m({}),[i,l]=m(null),[c,u]=m(null);async function p(){l(null);try{n(await h("GET",`/api/sites/${b(e)}/buckets/orphans`))}catch(d){l(d)}}async function $(d){l(null);try{let _=await h("POST",`/api/sites/${b(e)}/buckets/${b(d)}/purge-orphan`,{confirm:r[d]||""});u(`Deleted ${_.deleted} orphan object(s) of ${_.bucket} from ${_.pool}.`),await p(),await t()}catch(_){l(_)}}return o`
    <section class="panel" aria-label="Orphans">
      <h2>Orphans</h2>
      <p class="hint">Objects a routed bucket left on the default pool.</p>
      <${f} onClick=${p} busyText="Scanning…">Scan for orphans</${f}>
      ${c&&o`<div class="success" role="status">${c}</div>`}
      <${y} error=${i} title="Refused" />
      ${a&&(a.orphans.length===0?o`<p class="muted" data-no-orphans>No orphans on ${a.default_pool}.</p>`:o`
            <table>
              <thead>
                <tr>
                  <th>Bucket</th>
                  <th class="num">Objects</th>
                  <th>Routed to</th>
                  <th>Purge</th>
                </tr>
              </thead>
              <tbody>${a.orphans.map(d=>o`
                  <tr data-orphan=${d.bucket}>
                    <td>${d.bucket}</td>
                    <td class="num">${d.objects}</td>
                    <td>${d.routed_pool}</td>
                    <td><input aria-label=${`Type ${d.bucket} to confirm`} placeholder=${d.bucket}
                                  value=${r[d.bucket]||""} onInput=${_=>s({...r,[d.bucket]:_.target.value})} />
                                  <${f} class="danger" disabled=${r[d.bucket]!==d.bucket}
                                    onClick=${()=>$(d.bucket)} busyText="Purging…">Purge ${d.objects} object(s)</${f}></td></tr>
                `)}</tbody>
            </table>
          `)}
    </section>
  `}function Eo({site:e}){let{data:t,error:a,reload:n}=S(async()=>{let[l,c]=await Promise.all([h("GET",`/api/sites/${b(e)}/buckets`),h("GET","/api/pools")]);return{...l,pools:c.pools.filter(u=>u.type==="nanio").map(u=>u.name)}},[e]),[r,s]=m(null),i=(l,c)=>async()=>{s(null);try{await h(l,c)}catch(u){s(u)}await n()};return o`
    <div class="page-head">
      <h1>Buckets of ${e}</h1>
      <${f} onClick=${i("POST",`/api/sites/${b(e)}/buckets/sync`)} busyText="Syncing…">Sync now</${f}>
    </div>
    <${y} error=${a} />
    <${y} error=${r} title="Refused" />
    ${t&&o`
      <div class="panel table-wrap">
        <p class="hint">Default pool <strong>${t.default_pool}</strong>: unrouted buckets are served by it.</p>
        ${t.buckets.length===0?o`<p class="muted">No buckets known yet: sync lists the default pool's buckets.</p>`:o`
            <table>
              <thead>
                <tr>
                  <th>Bucket</th>
                  <th>Status</th>
                  <th>Served by</th>
                  <th>Route</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${t.buckets.filter(l=>!l.http).map(l=>o`
                  <tr data-bucket=${l.bucket}>
                    <td>${l.bucket}</td>
                    <td><span class=${`badge ${wo[l.status]??""}`}>${l.status}</span>
                                    ${l.routed_target_missing&&o`<span class="badge bad">missing on ${l.routed_pool}</span>`}</td>
                    <td>${l.served_by??"\u2013"}</td>
                    <td>${l.status!=="migrating"&&l.status!=="deleted"&&o`<${So} site=${e} b=${l} pools=${t.pools} onDone=${n} />`}</td>
                    <td>
                                    ${l.status==="routed"&&o`
                                      <${f} onClick=${i("DELETE",`/api/sites/${b(e)}/buckets/${b(l.bucket)}/route`)}
                                        busyText="Unrouting…" aria-label=${`Unroute ${l.bucket}`}>Unroute</${f}>
                                    `}
                                    ${(l.status==="unrouted"||l.status==="deleted")&&o`
                                      <${f}
                                        onClick=${i("POST",`/api/sites/${b(e)}/buckets/${b(l.bucket)}/ignore`)}
                                        aria-label=${`Ignore ${l.bucket}`}>Ignore</${f}>
                                    `}
                                  </td>
                  </tr>
                `)}</tbody>
            </table>
          `}
      </div>
      <${To} site=${e} onDone=${n} />
    `}
  `}function Po({route:e}){let[t]=e.rest;return t?o`<${Eo} key=${t} site=${t} />`:o`<${xo} />`}P({path:"/buckets",title:"Buckets",component:Po});async function Co(){let[e,t]=await Promise.all([h("GET","/api/pools"),h("GET","/api/sites")]),a=e.pools.filter(s=>s.type==="nanio").map(s=>s.name),n=new Set(a),r=t.sites.filter(s=>n.has(s.default_pool)).map(s=>s.name);return{pools:a,sites:r}}function za(e,t){return e.filter(a=>a.status==="routed"&&a.routed_pool===t&&!a.http).map(a=>a.bucket)}function Ka({onStarted:e}){let t=S(Co,[]),[a,n]=m({site:"",src_pool:"",bucket:"",dst_pool:"",mode:"copy",read_order:"source_first",force:!1}),[r,s]=m(null),[i,l]=m([]),c=k=>x=>n(T=>({...T,[k]:x})),u=t.data,p=S(async()=>a.site?(await h("GET",`/api/sites/${b(a.site)}/buckets`)).buckets:null,[a.site]),$=p.data;L(()=>{u&&n(k=>{let x=k.site||u.sites[0]||"",T=u.pools.find(j=>$&&za($,j).length>0),w=k.src_pool||$&&(T||u.pools[0])||"",C=k.dst_pool&&k.dst_pool!==w?k.dst_pool:u.pools.find(j=>j!==w)||"";return{...k,site:x,src_pool:w,dst_pool:C}})},[u,$,a.src_pool]);let d=$?za($,a.src_pool):[];L(()=>{d.includes(a.bucket)||c("bucket")(d[0]??"")},[d.join(",")]);async function _(k){k?.preventDefault(),s(null),l([]);try{let x={...a};x.mode!=="sync"&&delete x.force;let T=await h("POST","/api/migrations",x);l(T.cascade_warnings??[]),R(`Started migration ${T.id}: ${T.bucket} ${T.src} \u2192 ${T.dst}`),await e(T),await p.reload()}catch(x){s(x),Se(x)}}if(t.error)return o`<${y} error=${t.error} />`;if(!u)return o`<p class="muted">Loading…</p>`;if(u.pools.length<2||u.sites.length===0)return o`<p class="muted" data-cannot-start>A migration needs two nanio pools and a site
      whose default pool is nanio.</p>`;let g=k=>k.map(x=>o`<option value=${x}>${x}</option>`);return o`
    <${B.Provider} value=${r}>
      <form onSubmit=${_} aria-label="Start a migration" data-start-form>
        <div class="row">
          <${v} field="site" label="Site" as="select" value=${a.site} onValue=${c("site")}>
            ${g(u.sites)}
          </${v}>
          <${v} field="src_pool" label="From pool" as="select" value=${a.src_pool}
            onValue=${c("src_pool")}>${g(u.pools)}</${v}>
          <${v} field="bucket" label="Bucket" as="select" value=${a.bucket}
            onValue=${c("bucket")} disabled=${d.length===0}
            hint=${d.length===0&&$?`No bucket of ${a.site} is routed to ${a.src_pool}: promote one on Buckets first.`:void 0}>${g(d)}</${v}>
          <${v} field="dst_pool" label="To pool" as="select" value=${a.dst_pool}
            onValue=${c("dst_pool")}>${g(u.pools.filter(k=>k!==a.src_pool))}</${v}>
        </div>
        <div class="row">
          <${v} field="mode" label="Mode" as="select" value=${a.mode} onValue=${c("mode")}
            hint=${a.mode==="sync"?"sync deletes destination keys absent on the source (before the split only).":"copy never deletes what the destination holds."}>
            <option value="copy">copy</option>
            <option value="sync">sync</option>
          </${v}>
          <${v} field="read_order" label="Reads during the split" as="select"
            value=${a.read_order} onValue=${c("read_order")}>
            <option value="source_first">source first (404: destination)</option>
            <option value="destination_first">destination first (404: source)</option>
          </${v}>
          ${a.mode==="sync"&&o`
            <${O} field="force" label="Sync into a destination that holds objects"
              checked=${a.force} onValue=${c("force")} />
          `}
        </div>
        <${y} error=${r} title="Not started" />
        ${i.map(k=>o`<div class="warning" role="status">${k}</div>`)}
        <${f} type="submit" class="primary" onClick=${_} disabled=${!a.bucket}
          busyText="Starting…">Start migration</${f}>
      </form>
    </${B.Provider}>
  `}function Ja(){let{data:e,error:t}=S(()=>h("GET","/api/migrations/stale"),[]);return o`
    <section class="panel" aria-labelledby="mig-stale">
      <h2 id="mig-stale">Stale</h2>
      <p class="hint">Migrations that cannot go on: a pool has no enabled member, or the source
        bucket is gone.</p>
      <${y} error=${t} />
      ${e&&(e.stale.length===0?o`<p class="muted" data-no-stale>No stale migration.</p>`:o`
            <ul>${e.stale.map(a=>o`
                <li
                  data-stale=${a.id}><a href=${`#/migrations/${b(a.id)}`}>${a.id}</a>${" "}<span class="badge warn">${a.phase}</span> ${a.reasons.join("; ")}</li>
              `)}</ul>
          `)}
    </section>
  `}function Ya(){let{data:e,error:t,reload:a}=S(()=>h("GET","/api/migrations/orphaned"),[]),[n,r]=m({}),[s,i]=m(null),[l,c]=m(null);async function u(p){i(null);try{let $=await h("POST",`/api/migrations/orphaned/${b(p.id)}/purge`,{confirm:n[p.id]||""});c(`Deleted ${$.deleted} object(s) of ${$.bucket} from ${$.pool}.`)}catch($){i($)}await a()}return o`
    <section class="panel table-wrap" aria-labelledby="mig-orphaned">
      <h2 id="mig-orphaned">Orphaned sources</h2>
      <p class="hint">The copy a finished migration left on its source pool. The agent never
        deletes it by itself.</p>
      <${y} error=${t||s} title=${s?"Not purged":void 0} />
      ${l&&o`<div class="success" role="status">${l}</div>`}
      ${e&&(e.orphaned.length===0?o`<p class="muted" data-no-orphaned>No orphaned source.</p>`:o`
            <table>
              <thead>
                <tr>
                  <th>Bucket</th>
                  <th>Left on</th>
                  <th>Now served by</th>
                  <th>Since</th>
                  <th><span class="sr-only">Purge</span></th>
                </tr>
              </thead>
              <tbody>${e.orphaned.map(p=>o`
                  <tr data-orphaned=${p.id}>
                    <td>${p.site}/${p.bucket}</td>
                    <td>${p.pool}</td>
                    <td>${p.now_on}</td>
                    <td>${new Date(p.at).toLocaleString()}</td>
                    <td>
                      ${H("write")&&o`
                        <input aria-label=${`Type ${p.bucket} to confirm the purge`}
                          placeholder=${p.bucket} value=${n[p.id]||""} onInput=${$=>r({...n,[p.id]:$.currentTarget.value})} />
                      `}
                      <${f} class="danger" disabled=${n[p.id]!==p.bucket}
                        onClick=${()=>u(p)} busyText="Purging…"
                        aria-label=${`Purge ${p.bucket} from ${p.pool}`}>Purge</${f}>
                    </td>
                  </tr>
                `)}</tbody>
            </table>
          `)}
    </section>
  `}var be=e=>e?new Date(e).toLocaleString():"\u2013";function Do(){let{data:e,error:t,reload:a}=S(()=>h("GET","/api/migrations"),[]),n=e?.migrations??[];return ue(a,1e3,n.some(pe)),o`
    <div class="page-head">
      <h1>Migrations</h1>
    </div>
    ${H("write")&&o`
      <section class="panel" aria-labelledby="mig-start">
        <h2 id="mig-start">Start a migration</h2>
        <p class="hint">Moves a bucket between two nanio pools with rclone while clients keep
          reading and writing through nginx. The source copy is kept (listed as orphaned).</p>
        <${Ka} onStarted=${a} />
      </section>
    `}
    <${y} error=${t} />
    <section class="panel table-wrap" aria-labelledby="mig-list">
      <h2 id="mig-list">All migrations</h2>
      ${e&&(n.length===0?o`<p class="muted" data-no-migrations>No migration yet.</p>`:o`
          <table>
            <thead>
              <tr>
                <th>Migration</th>
                <th>Bucket</th>
                <th>From → to</th>
                <th>Progress</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>${n.map(r=>o`
                <tr data-migration=${r.id} data-phase=${r.phase}>
                  <td><a href=${`#/migrations/${b(r.id)}`}>${r.id}</a></td>
                  <td>${r.site}/${r.bucket}<div class="muted">${r.mode}</div></td>
                  <td>${r.src} → ${r.dst}</td>
                  <td class="grow-cell">
                    <${ze} m=${r} />
                  </td>
                  <td>${be(r.started_at)}</td>
                </tr>
              `)}</tbody>
          </table>
        `)}
    </section>
    <${Ja} />
    <${Ya} key=${n.filter(r=>r.phase==="done").length} />
  `}function Lo({m:e,onDone:t}){let[a,n]=m(!1),[r,s]=m(!1),[i,l]=m(null);if(!pe(e)||e.phase==="switching"||e.phase==="aborting"||e.cancel)return null;let c=_t(e);async function u(){l(null);try{await h("POST",`/api/migrations/${b(e.id)}/cancel${r?"?force=true":""}`),R(`Cancel of ${e.id} requested`),n(!1),await t()}catch(p){l(p)}}return a?o`
    <section class="warning" role="dialog" aria-modal="false" aria-labelledby="cancel-head"
      data-cancel-confirm>
      <h3 id="cancel-head">Cancel migration ${e.id}?</h3>
      ${c?o`
          <p>The split is in place (since ${be(e.split_at)}): clients write to ${e.dst}. Cancel
            <strong>aborts to the source</strong>: writes go back to ${e.src} (reads fall back to
            ${e.dst}), the client writes made since the split are copied back to ${e.src}, then
            ${e.bucket} is served by ${e.src} again and the migration ends cancelled.</p>
          <label
            class="check"><input type="checkbox" checked=${r} onChange=${p=>s(p.currentTarget.checked)} /> Force: skip copying the client writes back
            (the keys left only on ${e.dst} are listed as stranded)</label>
        `:o`
          <p>rclone stops; the route was never changed, so ${e.src} keeps serving ${e.bucket}.
            What was copied to ${e.dst} so far stays there, recorded as a partial destination.</p>
        `}
      <${y} error=${i} title="Not cancelled" />
      <div class="actions">
        <${f} class="danger" onClick=${u} busyText="Cancelling…">${c?"Abort to source":"Stop migration"}</${f}>
        <button type="button" onClick=${()=>n(!1)}>Keep running</button>
      </div>
    </section>
  `:o`<${f} class="danger" onClick=${()=>n(!0)}>Cancel migration…</${f}>`}function Ro({passes:e}){return e.length?o`
    <div class="table-wrap">
      <table aria-label="Passes">
        <thead>
          <tr>
            <th>Phase</th>
            <th class="num">Pass</th>
            <th class="num">Transferred</th>
            <th class="num">Bytes</th>
            <th class="num">Checks</th>
            <th class="num">Errors</th>
            <th class="num">Missing / differ / extra</th>
          </tr>
        </thead>
        <tbody>${e.map(t=>o`
            <tr>
              <td>${t.phase}</td>
              <td class="num">${t.n}</td>
              <td class="num">${t.transferred}</td>
              <td class="num">${t.bytes}</td>
              <td class="num">${t.checks}</td>
              <td class="num">${t.errors}</td>
              <td class="num">${t.phase==="verifying"?`${t.missing??0} / ${t.differ??0} / ${t.extra??0}`:"\u2013"}</td>
            </tr>
          `)}</tbody>
      </table>
    </div>
  `:null}function Ao({id:e}){let{data:t,error:a,reload:n}=S(async()=>{let[s,i]=await Promise.all([h("GET",`/api/migrations/${b(e)}`),h("GET",`/api/migrations/${b(e)}/log`)]);return{m:{...s,log:i.log},log:i.log}},[e]);ue(n,1e3,!!t&&pe(t.m));let r=t?.m;return o`
    <div class="page-head">
      <h1>Migration ${e}</h1>
      <a href="#/migrations">All migrations</a>
    </div>
    <${y} error=${a} />
    ${r&&o`
      <section class="panel" aria-labelledby="mig-now">
        <h2 id="mig-now">${r.site}/${r.bucket}: ${r.src} → ${r.dst}</h2>
        <${xa} m=${r} />
        <${ze} m=${r} />
        <dl class="facts">
          <dt>Mode</dt>
          <dd>${r.mode}, reads ${r.read_order.replace("_"," ")}</dd>
          <dt>Started</dt>
          <dd>${be(r.started_at)}</dd>
          ${r.split_at&&o`
            <dt>Split at</dt>
            <dd>${be(r.split_at)}</dd>
          `}
          ${r.ended_at&&o`
            <dt>Ended</dt>
            <dd>${be(r.ended_at)}</dd>
          `}
          ${r.orphaned_source&&o`
            <dt>Orphaned source</dt>
            <dd data-orphaned-source>${r.orphaned_source.bucket} on ${r.orphaned_source.pool} (kept; purge it from the orphaned list)</dd>
          `}
          ${r.orphaned_destination&&o`
            <dt>Partial destination</dt>
            <dd>${r.orphaned_destination.bucket} on ${r.orphaned_destination.pool}</dd>
          `}
          ${r.stranded?.length>0&&o`
            <dt>Stranded on ${r.dst}</dt>
            <dd>${r.stranded.join(", ")}</dd>
          `}
        </dl>
        ${r.cancel&&pe(r)&&o`
          <div class="notice" role="status">Cancel requested ${be(r.cancel.at)}${r.cancel.force?" (force)":""}: ${_t(r)||r.phase==="aborting"?"aborting to the source":"stopping"}.</div>
        `}
        ${r.error&&o`<div class="error" role="alert">${r.error}</div>`}
        <${Lo} m=${r} onDone=${n} />
      </section>
      <section class="panel" aria-labelledby="mig-passes">
        <h2 id="mig-passes">Passes</h2>
        ${r.passes.length?o`<${Ro} passes=${r.passes} />`:o`<p class="muted">No pass
          finished yet.</p>`}
      </section>
      <section class="panel" aria-labelledby="mig-log">
        <h2 id="mig-log">Log</h2>
        <pre class="log-lines" data-migration-log>${t.log.join(`
`)}</pre>
      </section>
    `}
  `}function No({route:e}){let[t]=e.rest;return t?o`<${Ao} key=${t} id=${t} />`:o`<${Do} />`}P({path:"/migrations",title:"Migrations",component:No,admin:!0});function Za(e,t,a){return e.status!=="active"?{label:"inactive",cls:"",why:""}:a?a.ok?{label:"healthy",cls:"ok",why:"service, port, route and both hops answer"}:{label:"failing",cls:"bad",why:a.issues.join("; ")}:t?t.active?{label:t.state,cls:"ok",why:"run Check to test both hops"}:{label:t.state,cls:"bad",why:`${t.manager} reports ${t.state}`}:{label:"unknown",cls:"",why:"service state not read"}}function ve(e){return e?"skipped"in e?`skipped: ${e.skipped}`:e.ok?`${e.status} in ${e.ms} ms`:e.error||`HTTP ${e.status}`:""}var jo={name:"",description:"",command:"",root:"",health_path:""};function Qe(e,t){let a={name:e.name,port:e.port,status:t};for(let n of["description","command","root","health_path"]){let r=typeof e[n]=="string"?e[n].trim():e[n];r&&(a[n]=r)}return a}function Fo({rec:e}){let t=e.checks?.internal,a=e.checks?.external;return o`
    <section class="panel" aria-label="Activation" data-activation=${e.name}>
      <dl class="facts">
        ${e.service&&o`
          <dt>Service</dt>
          <dd>${e.service.manager} ${e.service.state}${e.service.pid?` (pid ${e.service.pid})`:""}</dd>
        `}
        ${t&&o`
          <dt>Internal hop</dt>
          <dd data-hop="internal">${t.url}: ${ve(t)}</dd>
        `}
        ${a&&o`
          <dt>External hop</dt>
          <dd data-hop="external">${a.url?`${a.url}: `:""}${ve(a)}</dd>
        `}
        ${e.url&&o`
          <dt>Address</dt>
          <dd><a href=${e.url}>${e.url}</a></dd>
        `}
        ${e.scaffolded&&o`
          <dt>Scaffolded</dt>
          <dd><code>${e.scaffolded}</code></dd>
        `}
      </dl>
      ${(e.warnings||[]).map(n=>o`<div class="warning">${n}</div>`)}
    </section>
  `}function Bo({initial:e,isNew:t}){let[a,n]=m(e),{busy:r,error:s,saved:i,save:l}=J("project","projects"),[c,u]=m({error:null,rec:null}),p=g=>k=>n(x=>({...x,[g]:k}));async function $(g){g.preventDefault(),u({error:null,rec:null});let k=await l(a.name,Qe(a,"active"),t?0:a.version);k&&(n(x=>({...x,...k})),t&&(K(k),N(`/projects/edit/${b(k.name)}`)))}let d=g=>async()=>{let k=g==="deactivate"?`Deactivate project "${a.name}"? Its route is removed and its service stopped.`:`Forget project "${a.name}"? It is deactivated and its record deleted; its directory stays.`;if(confirm(k)){u({error:null,rec:null});try{let x=g==="deactivate"?await h("PUT",`/api/projects/${b(a.name)}`,Qe(a,"inactive"),{ifMatch:a.version}):await h("DELETE",`/api/projects/${b(a.name)}`);if(g==="forget")return N("/projects");n(T=>({...T,...x})),u({error:null,rec:x})}catch(x){u({error:x,rec:null})}}},_=s?.detail?.diagnosis;return o`
    <${B.Provider} value=${s}>
      <form onSubmit=${$} novalidate aria-label="Project">
        <${y} error=${s} title="Not activated" />
        ${_&&o`<pre data-diagnosis>${_}</pre>`}
        <${Y} rec=${i} />
        ${i&&o`<${Fo} rec=${i} />`}
        ${c.rec&&o`
          <div class="success" role="status">Deactivated: the route is removed and the service
            ${c.rec.service?.state??"stopped"}.</div>
        `}
        <${y} error=${c.error} title="Refused" />
        ${!t&&o`
          <p>Status: <span class=${`badge ${a.status==="active"?"ok":""}`}>${a.status}</span>${a.directory&&o`
            · directory <code>${a.directory}</code>
          `}</p>
        `}
        <div class="panel">
          <div class="row">
            <${v} field="name" label="Name" value=${a.name} onValue=${p("name")}
              disabled=${!t} placeholder="shop" hint=${t?"Lower case letters, digits, '-': served at /<name>/":void 0} />
            <${z} field="port" label="Port" value=${a.port} onValue=${p("port")}
              min="1024" max="65535" placeholder="9100" hint="127.0.0.1:<port>, 1024-65535" />
          </div>
          <div class="row">
            <${v} field="command" label="Command" value=${a.command} onValue=${p("command")} placeholder="python3 web.py" grow
              hint="Run in the project directory, without a shell; empty: python3 web.py (scaffolded)" />
            <${v} field="health_path" label="Health path" value=${a.health_path}
              onValue=${p("health_path")} placeholder="/health" />
          </div>
          <${v} field="root" label="Root directory" value=${a.root} onValue=${p("root")}
            placeholder="(the projects_root setting)"
            hint="The project lives in <root>/<name>/; empty: the projects_root setting" />
          <${v} field="description" label="Description" value=${a.description}
            onValue=${p("description")} />
        </div>
        <div class="actions">
          <${f} type="submit" class="primary" busy=${r} busyText="Activating…">${t||a.status!=="active"?"Activate":"Save and re-activate"}</${f}>
          ${s&&o`<span class="field-error">Not activated: ${s.code} (see above)</span>`}
          ${!t&&a.status==="active"&&o`
            <${f} class="danger" onClick=${d("deactivate")} busyText="Deactivating…">Deactivate</${f}>
          `}
          ${!t&&o`<${f} class="danger" onClick=${d("forget")} busyText="Forgetting…">Forget</${f}>`}
          <a href="#/projects">Back to projects</a>
        </div>
      </form>
    </${B.Provider}>
  `}function St({name:e}){let{data:t,error:a}=S(()=>e?h("GET",`/api/projects/${b(e)}`):Promise.resolve(jo),[e]);return o`
    <div class="page-head">
      <h1>${e?`Project ${e}`:"Activate a project"}</h1>
    </div>
    <${y} error=${a} />
    ${t&&o`<${Bo} initial=${t} isNew=${!e} />`}
  `}function De({ok:e,yes:t="ok",no:a="failing"}){return o`<span class=${`badge ${e?"ok":"bad"}`}>${e?t:a}</span>`}function Ce({part:e,text:t}){return e?o`<td><${De} ok=${e.ok} /> <span class="hint">${t}</span></td>`:o`<td class="muted">—</td>`}function Oo({p:e}){return o`
    <tr data-check-project=${e.name} data-ok=${String(e.ok)}>
      <td>${e.name}</td>
      <td>${e.status==="active"?o`<${De} ok=${e.ok} />`:o`<span class="badge">inactive</span>`}</td>
      <${Ce} part=${e.service} text=${e.service&&`${e.service.manager} ${e.service.state}${e.service.pid?` pid ${e.service.pid}`:""}`} />
      <${Ce} part=${e.listening} text=${e.listening&&`${e.port}${e.listening.holders?`: ${e.listening.holders}`:""}`} />
      <${Ce} part=${e.route} text=${e.route?.message} />
      <${Ce} part=${e.internal} text=${e.internal&&`${e.internal.url}: ${ve(e.internal)}`} />
      <${Ce} part=${e.external} text=${e.external&&`${e.external.url}: ${ve(e.external)}`} />
    </tr>
  `}function Xa({report:e}){let{nginx:t,routes:a}=e;return o`
    <section class="panel" aria-labelledby="check-head" data-check=${e.ok?"ok":"failed"}>
      <h2 id="check-head">Check <${De} ok=${e.ok} yes="all good" no="issues found" /></h2>
      <p class="hint">Checked at ${new Date(e.checked_at).toLocaleString()}.</p>
      ${e.issues.length>0&&o`
        <ul class="check-issues">${e.issues.map(n=>o`<li>${n}</li>`)}</ul>
      `}
      <dl class="facts">
        <dt>nginx</dt>
        <dd><${De} ok=${t.ok} /> ${t.installed?`${t.running?`running, pid ${t.pid}`:"not running"}; nginx -t ${t.config_ok?"passes":"fails"}`:"not installed (dry-run)"}</dd>
        <dt>Routes</dt>
        <dd><${De} ok=${a.ok} /> ${a.mode} mode${a.file?o`, read from <code>${a.file}</code>`:""}${a.pending.length>0?`; pending: ${a.pending.join(", ")}`:""}</dd>
      </dl>
      ${t.config_ok===!1&&o`<pre>${t.config_output}</pre>`}
      ${e.projects.length>0&&o`
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Project</th>
                <th>Result</th>
                <th>Service</th>
                <th>Port</th>
                <th>Route</th>
                <th>Internal hop</th>
                <th>External hop</th>
              </tr>
            </thead>
            <tbody>${e.projects.map(n=>o`<${Oo} key=${n.name} p=${n} />`)}</tbody>
          </table>
        </div>
      `}
    </section>
  `}async function Vo(e){return{services:Object.fromEntries(await Promise.all(e.items.filter(a=>a.status==="active").map(a=>h("GET",`/api/projects/${b(a.name)}`).then(n=>[a.name,n.service],()=>[a.name,null]))))}}function Mo({p:e,service:t,check:a,onDeactivate:n}){let r=Za(e,t,a);return o`
    <tr data-project=${e.name}>
      <td><a href=${`#/projects/edit/${b(e.name)}`}>${e.name}</a>
        ${e.description&&o`<div class="hint">${e.description}</div>`}</td>
      <td><span class=${`badge ${e.status==="active"?"ok":""}`}>${e.status}</span></td>
      <td class="num">${e.port}</td>
      <td data-health=${r.label}><span class=${`badge ${r.cls}`}>${r.label}</span>
        ${r.why&&o`<div class="hint">${r.why}</div>`}</td>
      <td><code>${e.command}</code></td>
      <td>${e.status==="active"?o`
          <${f} class="danger" onClick=${()=>n(e)} busyText="Deactivating…"
            aria-label=${`Deactivate project ${e.name}`}>Deactivate</${f}>
        `:o`
          <a href=${`#/projects/edit/${b(e.name)}`}
            aria-label=${`Activate project ${e.name}`}>Activate…</a>
        `}</td>
    </tr>
  `}var Io=[["name","Name"],["-name","Name (Z\u2013A)"],["port","Port"],["status","Status"]];function Ho({route:e}){let t=X("/projects","projects",e.query,Vo),{error:a,reload:n}=t,r=t.data&&{...t.data,projects:t.data.items},[s,i]=m(null),[l,c]=m(null);async function u(){c(null);try{i(await h("POST","/api/projects/check"))}catch(d){c(d)}}async function p(d){if(confirm(`Deactivate project "${d.name}"? Its route is removed and its service stopped.`)){c(null);try{await h("PUT",`/api/projects/${b(d.name)}`,Qe(d,"inactive"),{ifMatch:d.version}),i(null)}catch(_){c(_)}await n()}}let $=Object.fromEntries((s?.projects||[]).map(d=>[d.name,d]));return o`
    <div class="page-head">
      <h1>Projects</h1>
      <div class="row">
        <${f} onClick=${u} busyText="Checking…">Check</${f}>
        <a class="button primary" href="#/projects/new">Activate a project</a>
      </div>
    </div>
    <${Q} list=${t} label="projects" sorts=${Io} />
    <${y} error=${a} />
    <${y} error=${l} title="Refused" />
    ${r&&o`
      <div class="panel table-wrap">
        ${r.projects.length===0&&t.q?o`<p class="muted">Nothing matches "${t.q}".</p>`:r.projects.length===0?o`<p class="muted">No projects yet. A project is a backend on 127.0.0.1:<var>port</var>,
              run as a service and served at /<var>name</var>/.</p>`:o`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th class="num">Port</th>
                  <th>Health</th>
                  <th>Command</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${r.projects.map(d=>o`
                  <${Mo} key=${d.name} p=${d} service=${r.services[d.name]}
                    check=${$[d.name]} onDeactivate=${p} />
                `)}</tbody>
            </table>
          `}
        <${ee} list=${t} path="/projects" />
      </div>
    `}
    ${s&&o`<${Xa} report=${s} />`}
  `}function Go({route:e}){let[t,a]=e.rest;return t==="new"?o`<${St} key="new" name=${null} />`:t==="edit"&&a?o`<${St} key=${a} name=${a} />`:o`<${Ho} route=${e} />`}P({path:"/projects",title:"Projects",component:Go});var Uo={name:"",description:"",domain:"",upstream_host:"127.0.0.1",require_healthy:!0,enable_ssl:!1,health_path:"/health"};function qo(e){let t={name:e.name,description:e.description??"",domain:(e.domain??"").trim(),upstream_host:(e.upstream_host??"").trim(),upstream_port:e.upstream_port,require_healthy:!!e.require_healthy,enable_ssl:!!e.enable_ssl,health_path:(e.health_path??"").trim()||"/health"};return e.email?.trim()&&(t.email=e.email.trim()),t}function Qa({cert:e}){return e?o`
    <div class="notice" data-certificate=${e.status}>
      Certificate <strong>${e.name}</strong>: <span class="badge">${e.status}</span>
      ${e.not_after&&` valid until ${new Date(e.not_after).toLocaleString()}`}
      ${e.reason&&o`<div class="hint">${e.reason}</div>`}
    </div>
  `:null}function Wo({draft:e,onDone:t}){let[a,n]=m(!1),[r,s]=m({error:null,cert:null});async function i(){s({error:null,cert:null});try{let l={force_renew:a,...e.email?{email:e.email}:{}},c=await h("POST",`/api/proxies/${b(e.name)}/ssl`,l);s({error:null,cert:c.certificate}),t(c)}catch(l){s({error:l,cert:null})}}return o`
    <section class="panel" aria-labelledby="ssl-head">
      <h2 id="ssl-head">HTTPS</h2>
      <p>${e.ssl_enabled?o`<span class="badge ok">served over HTTPS</span>`:o`<span class="badge">HTTP only</span>`}</p>
      <div class="row">
        <${O} field="force_renew" label="force renewal of a valid certificate"
          checked=${a}
          onValue=${n} />
        <${f} onClick=${i} busyText="Issuing…">Enable HTTPS</${f}>
      </div>
      <${y} error=${r.error} title="Not issued" />
      <${Qa} cert=${r.cert} />
    </section>
  `}var Tt=null;function zo({error:e,draft:t,onDone:a}){let[n,r]=m(null);async function s(){r(null);try{let i=t.email?{email:t.email}:{},l=await h("POST",`/api/proxies/${b(t.name)}/ssl`,i);R(`HTTPS enabled for ${t.name}`),a(l)}catch(i){r(i)}}return o`
    <div class="warning" role="alert" data-ssl-failed>
      <strong>Saved; HTTPS failed.</strong> The proxy is saved and serves plain HTTP. The
      certificate could not be issued: ${e.message}
      <div class="actions">
        <${f} class="primary" onClick=${s} busyText="Issuing…">Retry HTTPS</${f}>
      </div>
      <${y} error=${n} title="Still not issued" />
    </div>
  `}function Ko({initial:e,isNew:t}){let[a,n]=m(e),[r,s]=m(()=>{let w=Tt;return Tt=null,w}),{busy:i,error:l,saved:c,save:u,setError:p}=J("proxy","proxies",{onError:async w=>{if(w.code!=="SSL_ISSUANCE_FAILED"||!w.detail?.apply)return!1;let C=await h("GET",`/api/proxies/${b(a.name)}`).catch(()=>null);return C?(Ke(),t?(Tt=w,N(`/proxies/edit/${b(C.name)}`)):(n(C),s(w)),!0):!1}}),[$,d]=m(null),[_,g]=m(!1);ge(_);let k=w=>C=>{g(!0),n(j=>({...j,[w]:C}))};async function x(w){w.preventDefault();let C=_e([["name","Name",a.name],["domain","Domain",a.domain],["upstream_host","Upstream host",a.upstream_host],["upstream_port","Upstream port",a.upstream_port]]);if(C)return p(C);s(null);let j=await u(a.name,qo(a),t?0:a.version);j&&(g(!1),n(j),t&&(K(j),N(`/proxies/edit/${b(j.name)}`)))}async function T(){if(confirm(`Delete proxy "${a.name}" (its site and pool; the certificate stays)?`)){d(null);try{await h("DELETE",`/api/proxies/${b(a.name)}`),N("/proxies")}catch(w){d(w)}}}return o`
    <${B.Provider} value=${l}>
      <form onSubmit=${x} novalidate aria-label="Proxy">
        <${y} error=${l} title="Not saved" />
        ${r&&o`<${zo} error=${r} draft=${a} onDone=${w=>{s(null),n(C=>({...C,...w}))}} />`}
        <${Y} rec=${c} />
        <${Qa} cert=${c?.certificate} />
        ${!t&&o`
          <p>Status: <span class=${`badge ${a.status==="active"?"ok":"warn"}`}
            data-status=${a.status}>${a.status}</span> · <a href=${a.url}>${a.url}</a> · site <a href=${`#/sites/edit/${b(a.site)}`}>${a.site}</a>,
            pool <a href=${`#/pools/edit/${b(a.pool)}`}>${a.pool}</a></p>
        `}
        <div class="panel">
          <div class="row">
            <${v} field="name" label="Name" value=${a.name} onValue=${k("name")}
              disabled=${!t} placeholder="shop" hint=${t?"Lower case letters, digits, '-'":void 0} />
            <${v} field="domain" label="Domain" value=${a.domain} onValue=${k("domain")}
              placeholder="shop.example.com" grow />
          </div>
          <div class="row">
            <${v} field="upstream_host" label="Upstream host" value=${a.upstream_host}
              onValue=${k("upstream_host")} placeholder="127.0.0.1" grow />
            <${z} field="upstream_port" label="Upstream port" value=${a.upstream_port}
              onValue=${k("upstream_port")} min="1" max="65535" placeholder="8080" />
            <${v} field="health_path" label="Health path" value=${a.health_path}
              onValue=${k("health_path")} placeholder="/health" />
          </div>
          <${O} field="require_healthy" label="require a healthy upstream (health path answers 2xx) before saving"
            checked=${a.require_healthy} onValue=${k("require_healthy")} />
          <div class="row">
            <${O} field="enable_ssl" label="HTTPS with a certificate from ACME"
              checked=${a.enable_ssl} onValue=${k("enable_ssl")} />
            ${a.enable_ssl&&o`
              <${v} field="email" label="ACME account email" value=${a.email}
                onValue=${k("email")} placeholder="(the acme_email setting)" grow />
            `}
          </div>
          <${v} field="description" label="Description" value=${a.description}
            onValue=${k("description")} />
        </div>
        <div class="actions">
          <${f} type="submit" class="primary" busy=${i} busyText="Saving and applying…">Save</${f}>
          ${l&&o`<span class="field-error">Not saved: ${l.code} (see above)</span>`}
          ${!t&&o`<${f} class="danger" onClick=${T} busyText="Deleting…">Delete proxy</${f}>`}
          <a href="#/proxies">Back to proxies</a>
        </div>
        <${y} error=${$} title="Delete refused" />
      </form>
    </${B.Provider}>
    ${!t&&a.enable_ssl&&o`<${Wo} draft=${a} onDone=${w=>n(C=>({...C,...w}))} />`}
  `}function Et({name:e}){let{data:t,error:a}=S(()=>e?h("GET",`/api/proxies/${b(e)}`):Promise.resolve(Uo),[e]);return o`
    <div class="page-head">
      <h1>${e?`Proxy ${e}`:"New proxy"}</h1>
    </div>
    <${y} error=${a} />
    ${t&&o`<${Ko} initial=${t} isNew=${!e} />`}
  `}function Jo({r:e}){return o`
    <div class="success" role="status" data-sync=${e.synced_count}>
      Synced ${e.synced_count} from <code>${e.source}</code> (created ${e.created.length}, updated
      ${e.updated.length}, unchanged ${e.unchanged.length}); apply: <${ce}
        status=${e.apply.status} />.
      ${e.skipped.length>0&&o`
        <ul>${e.skipped.map(t=>o`<li>skipped <strong>${t.name}</strong>: ${t.reason}</li>`)}</ul>
      `}
    </div>
  `}var Yo=[["name","Name"],["-name","Name (Z\u2013A)"],["domain","Domain"],["status","Status"]];function Zo({route:e}){let t=X("/proxies","proxies",e.query),{error:a,reload:n}=t,r=t.data&&{...t.data,proxies:t.data.items},[s,i]=m(null),[l,c]=m(null);async function u($){if(confirm(`Delete proxy "${$}" (its site and pool; the certificate stays)?`)){i(null);try{await h("DELETE",`/api/proxies/${b($)}`)}catch(d){i(d)}await n()}}async function p(){i(null),c(null);try{c(await h("POST","/api/proxies/sync-from-registry",{}))}catch($){i($)}await n()}return o`
    <div class="page-head">
      <h1>Proxies</h1>
      <div class="row">
        <${f} onClick=${p} busyText="Syncing…">Sync from registry</${f}>
        <a class="button primary" href="#/proxies/new">New proxy</a>
      </div>
    </div>
    <${Q} list=${t} label="proxies" sorts=${Yo} />
    <${y} error=${a} />
    <${y} error=${s} title="Refused" />
    ${l&&o`<${Jo} r=${l} />`}
    ${r&&o`
      <div class="panel table-wrap">
        ${r.proxies.length===0&&t.q?o`<p class="muted">Nothing matches "${t.q}".</p>`:r.proxies.length===0?o`<p class="muted">No proxies yet. A proxy puts one domain in front of one upstream.</p>`:o`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Domain</th>
                  <th>Upstream</th>
                  <th>Status</th>
                  <th>HTTPS</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${r.proxies.map($=>o`
                  <tr data-proxy=${$.name}>
                    <td><a href=${`#/proxies/edit/${b($.name)}`}>${$.name}</a>
                      <${Pe} at=${$.expires_at} />
                      ${$.description&&o`<div class="hint">${$.description}</div>`}</td>
                    <td><a href=${$.url}>${$.domain}</a></td>
                    <td><code>${$.upstream_host}:${$.upstream_port}</code>${$.require_healthy&&o`<div class="hint">must be healthy (${$.health_path})</div>`}</td>
                    <td><span class=${`badge ${$.status==="active"?"ok":"warn"}`}
                      data-status=${$.status}>${$.status}</span></td>
                    <td>${$.ssl_enabled?o`<span class="badge ok">on</span>`:$.enable_ssl?o`<span class="badge warn">no certificate yet</span>`:o`<span class="muted">off</span>`}</td>
                    <td>
                      <${f} class="danger" onClick=${()=>u($.name)} busyText="Deleting…"
                        aria-label=${`Delete proxy ${$.name}`}>Delete</${f}></td>
                  </tr>
                `)}</tbody>
            </table>
          `}
        <${ee} list=${t} path="/proxies" />
      </div>
    `}
  `}function Xo({route:e}){let[t,a]=e.rest;return t==="new"?o`<${Et} key="new" name=${null} />`:t==="edit"&&a?o`<${Et} key=${a} name=${a} />`:o`<${Zo} route=${e} />`}P({path:"/proxies",title:"Proxies",component:Xo});var Qo={active:"ok",pending:"warn",expiring:"warn",expired:"bad",failed:"bad"};function et({c:e}){return o`<span class=${`badge ${Qo[e.status]||""}`} data-status=${e.status}>${e.status}</span>`}function en(e,t=Date.now()){return e?Math.floor((Date.parse(e)-t)/864e5):null}function tn(e){let t=[];e.renewed.length&&t.push(`renewed: ${e.renewed.join(", ")}`);for(let a of e.failed)t.push(`failed ${a.name}: ${a.message}`);for(let a of e.deferred)t.push(`deferred ${a.name} until ${a.until}`);return e.valid.length&&t.push(`still valid: ${e.valid.join(", ")}`),t.length?t:["no certificates"]}var er={name:"",domains:[],email:""};function tr({c:e}){let t=a=>a?new Date(a).toLocaleString():"\u2014";return o`
    <section class="panel" aria-label="Certificate">
      <dl class="facts">
        <dt>Status</dt><dd><${et} c=${e} /></dd>
        <dt>Valid</dt><dd>${t(e.not_before)} – ${t(e.not_after)}</dd>
        <dt>Issuer</dt><dd>${e.issuer||"\u2014"}</dd>
        <dt>Serial</dt><dd class="mono">${e.serial||"\u2014"}</dd>
        ${e.file_domains&&o`
          <dt>File covers</dt>
          <dd>${e.file_domains.join(", ")}</dd>
        `}
        <dt>Used by</dt>
        <dd>${e.sites.length?e.sites.map(a=>o`
              <a href=${`#/sites/edit/${b(a)}`}>${a}</a>
            `):o`<span class="muted">no site</span>`}</dd>
        ${e.files&&o`
          <dt>Files</dt>
          <dd class="mono">${e.files.certificate}</dd>
        `}
        <dt>Last attempt</dt><dd>${t(e.last_attempt_at)}</dd>
        ${e.next_attempt_after&&o`
          <dt>Next attempt</dt>
          <dd>not before ${t(e.next_attempt_after)}</dd>
        `}
      </dl>
      ${e.reason&&o`<p class="hint" data-reason>${e.reason}</p>`}
      ${e.last_error&&o`<div class="error">Last error<pre>${e.last_error}</pre></div>`}
    </section>
  `}function ar({name:e,onDone:t}){let[a,n]=m(!1),[r,s]=m(null);async function i(){s(null);try{t(await h("POST",`/api/certs/${b(e)}/renew`,{force:a}))}catch(l){s(l)}}return o`
    <div class="row">
      <${O} field="force" label="force (re-issue a valid certificate)" checked=${a}
        onValue=${n} />
      <${f} onClick=${i} busyText="Renewing…">Renew now</${f}>
    </div>
    <${y} error=${r} title="Not renewed" />
  `}function nr({initial:e,isNew:t}){let[a,n]=m(e),{busy:r,error:s,saved:i,save:l}=J("certificate","certs"),[c,u]=m(null),p=_=>g=>n(k=>({...k,[_]:g}));async function $(_){_.preventDefault();let g={domains:a.domains,...a.email?{email:a.email}:{}},k=await l(a.name,g,t?0:a.version);k&&(n(k),t&&(K(k),N(`/certs/edit/${b(k.name)}`)))}async function d(){if(confirm(`Delete certificate "${a.name}" and its files?`)){u(null);try{await h("DELETE",`/api/certs/${b(a.name)}`),N("/certs")}catch(_){u(_)}}}return o`
    <${B.Provider} value=${s}>
      <form onSubmit=${$} novalidate aria-label="Certificate">
        <${y} error=${s} title="Not saved" />
        <${Y} rec=${i} />
        <div class="panel">
          <${v} field="name" label="Name" value=${a.name} onValue=${p("name")}
            disabled=${!t} placeholder="shop" hint=${t?"Lower case letters, digits, '-'; a site uses it as tls.cert":void 0} />
          <${le} field="domains" label="Domains" value=${a.domains}
            onValue=${p("domains")} placeholder="shop.example.com"
            hint="One per line; HTTP-01 validation, so no wildcards and no IP addresses" />
          <${v} field="email" label="ACME account email" value=${a.email}
            onValue=${p("email")} placeholder="(the acme_email setting)" />
        </div>
        <div class="actions">
          <${f} type="submit" class="primary" busy=${r}
            busyText="Issuing…">Save and issue</${f}>
          ${s&&o`<span class="field-error">Not saved: ${s.code} (see above)</span>`}
          ${!t&&o`
              <${f} class="danger" onClick=${d}
                busyText="Deleting…">Delete certificate</${f}>
            `}
          <a href="#/certs">Back to certificates</a>
        </div>
        <${y} error=${c} title="Delete refused" />
      </form>
    </${B.Provider}>
    ${!t&&o`
      <${tr} c=${a} />
      <${ar} name=${a.name} onDone=${n} />
    `}
  `}function Pt({name:e}){let{data:t,error:a}=S(()=>e?h("GET",`/api/certs/${b(e)}`):Promise.resolve(er),[e]);return o`
    <div class="page-head">
      <h1>${e?`Certificate ${e}`:"New certificate"}</h1>
    </div>
    <${y} error=${a} />
    ${t&&o`<${nr} initial=${t} isNew=${!e} />`}
  `}var or=[["name","Name"],["-name","Name (Z\u2013A)"],["not_after","Expires first"],["status","Status"]];function rr({route:e}){let t=X("/certs","certs",e.query),{error:a,reload:n}=t,r=t.data&&{...t.data,certs:t.data.items},[s,i]=m(null),[l,c]=m(null);async function u($){if(confirm(`Delete certificate "${$}" and its files?`)){i(null);try{await h("DELETE",`/api/certs/${b($)}`)}catch(d){i(d)}await n()}}async function p(){i(null),c(null);try{c(await h("POST","/api/certs/renew"))}catch($){i($)}await n()}return o`
    <div class="page-head">
      <h1>Certificates</h1>
      <div class="row">
        <${f} onClick=${p} busyText="Renewing…">Renew due</${f}>
        <a class="button primary" href="#/certs/new">New certificate</a>
      </div>
    </div>
    <${Q} list=${t} label="certificates" sorts=${or} />
    <${y} error=${a} />
    <${y} error=${s} title="Refused" />
    ${l&&o`
      <div class="notice" role="status" data-renewal>Renewal job ran:
        <ul>${tn(l).map($=>o`<li>${$}</li>`)}</ul>
      </div>
    `}
    ${r&&o`
      <div class="panel table-wrap">
        ${r.certs.length===0&&t.q?o`<p class="muted">Nothing matches "${t.q}".</p>`:r.certs.length===0?o`
            <p
              class="muted">No certificates yet. A site names one in its TLS settings; a proxy with HTTPS gets its own.</p>
          `:o`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Domains</th>
                  <th>Status</th>
                  <th>Expires</th>
                  <th>Used by</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${r.certs.map($=>{let d=en($.not_after);return o`
                  <tr data-cert=${$.name}>
                    <td><a href=${`#/certs/edit/${b($.name)}`}>${$.name}</a></td>
                    <td>${$.domains.map(_=>o`<div><code>${_}</code></div>`)}</td>
                    <td><${et} c=${$} />${$.last_error&&o`<div class="hint">${$.last_error.split(`
`)[0]}</div>`}</td>
                    <td>${$.not_after?o`${new Date($.not_after).toLocaleDateString()}
                        <div class="hint">${d<0?"expired":`${d} days left`}</div>`:o`<span class="muted">not issued</span>`}</td>
                    <td>${$.sites.map(_=>o`
                        <a href=${`#/sites/edit/${b(_)}`}>${_}</a>
                      `)}</td>
                    <td>
                      <${f} class="danger" onClick=${()=>u($.name)} busyText="Deleting…"
                        aria-label=${`Delete certificate ${$.name}`}>Delete</${f}></td>
                  </tr>
                `})}</tbody>
            </table>
          `}
        <${ee} list=${t} path="/certs" />
      </div>
    `}
  `}function sr({route:e}){let[t,a]=e.rest;return t==="new"?o`<${Pt} key="new" name=${null} />`:t==="edit"&&a?o`<${Pt} key=${a} name=${a} />`:o`<${rr} route=${e} />`}P({path:"/certs",title:"Certificates",component:sr});function ir(e,t){if(t)return`Rollback to generation ${t}`;if(!e||typeof e!="object")return"";let a=r=>r.length>4?`${r.slice(0,4).join(", ")} and ${r.length-4} more`:r.join(", "),n=[];e.changed?.length&&n.push(`changed ${a(e.changed)}`),e.refused?.length&&n.push(`refused ${a(e.refused)}`);for(let[r,s]of Object.entries(e))r==="changed"||r==="refused"||s===null||s===""||Array.isArray(s)&&s.length===0||n.push(`${r}: ${Array.isArray(s)?a(s):typeof s=="object"?JSON.stringify(s):s}`);return n.join("; ")||"re-render"}async function lr(){let[e,t]=await Promise.all([h("GET","/api/config/generations"),h("GET","/api/audit?action=rollback&page_size=200").catch(()=>({entries:[]}))]),a={};for(let n of t.entries){let r=/generation (\d+)/.exec(n.message||"");n.generation!=null&&r&&(a[n.generation]=Number(r[1]))}return{generations:e.generations,rollbacks:a}}function dr({onDone:e}){let[t,a]=m(null),[n,r]=m(null),s=(l,c)=>async()=>{if(a(null),r(null),l==="reload"){let u=await h("GET","/api/config/drift").catch(()=>null);if(u&&u.files.length){let p=u.files.map(d=>`  ${d.file} (${d.status})`).join(`
`);if(!confirm(`These managed files were changed by hand:
${p}

Reload nginx onto them anyway? (Drift offers Keep edit / Undo edit.)`))return}}try{a({what:l,body:await h("POST",c)}),l==="reload"&&R("nginx reloaded")}catch(u){r(u)}e()},i=t?.body;return o`
    <section class="panel" aria-labelledby="cfg-actions">
      <h2 id="cfg-actions">Actions</h2>
      <div class="row">
        <${f} onClick=${s("validate","/api/config/validate")} busyText="Running nginx -t…">Validate (nginx -t)</${f}>
        <${f} class="primary" onClick=${s("apply","/api/config/apply")} busyText="Applying…">Apply pending changes</${f}>
        <${f} onClick=${s("reload","/api/config/reload")} busyText="Reloading…">Reload nginx</${f}>
      </div>
      <p class="hint">Validate tests the desired state, pending changes included, without applying it.</p>
      <${y} error=${n} />
      ${t?.what==="validate"&&o`
        <div class=${i.ok?"success":"error"} role="status" data-validate=${i.ok?"ok":"failed"}>
          ${i.ok?"nginx -t passed.":"nginx -t failed."}
          ${!i.include_found&&o`<div>
            <strong>nginx.conf does not include the agent's directory:</strong> add the include line (see the README).
          </div>`}
          ${i.output&&o`<pre>${i.output}</pre>`}
        </div>
      `}
      ${t?.what==="apply"&&o`<${We} outcome=${i} />`}
      ${t?.what==="reload"&&o`
        <div class="success" role="status">nginx reloaded onto generation ${i.generation}.
          ${i.output&&o`<pre>${i.output}</pre>`}</div>
      `}
    </section>
  `}function cr({n:e}){let{data:t,error:a}=S(()=>h("GET",`/api/console/generations/${e}/files`),[e]);return o`
    <section class="panel" aria-label=${`Generation ${e} files`} data-gen-files=${e}>
      <h2>Generation ${e}: files</h2>
      <${y} error=${a} />
      ${t&&t.files.map(n=>o`
          <details>
            <summary><code>${n.file}</code></summary>
            <pre>${n.text}</pre>
          </details>
        `)}
    </section>
  `}function an({a:e,b:t}){let{data:a,error:n}=S(()=>h("GET",`/api/config/generations/${e}/diff/${t}`),[e,t]);return o`
    <${y} error=${n} />
    ${a&&o`
      <div data-gen-diff=${`${e}-${t}`}>
        ${a.files.length===0?o`<p class="muted">Generations ${e} and ${t} hold the same files.</p>`:a.files.map(r=>o`
              <h3><code>${r.file}</code> <span class="badge">${r.status}</span></h3>
              <${W} diff=${r.diff} label=${`diff ${r.file}`} />
            `)}
      </div>
    `}
  `}function ur({target:e,current:t,onClose:a,onDone:n}){let[r,s]=m(null);async function i(){s(null);try{let l=await h("POST",`/api/config/generations/${e}/rollback`);R(`Rolled back to generation ${e}: now generation ${l.generation}`),n()}catch(l){s(l)}}return o`
    <section class="panel" role="dialog" aria-modal="false" aria-labelledby="rb-head"
      data-rollback=${e}>
      <h2 id="rb-head">Roll back to generation ${e}?</h2>
      <p>What nginx serves (generation ${t}) → what it will serve. The rollback is a new
        generation, tested with <code>nginx -t</code> and reloaded like any apply; the records
        return to generation ${e}'s.</p>
      <${an} a=${t} b=${e} />
      <${y} error=${r} title="Rollback refused" />
      <div class="actions">
        <${f} class="danger" onClick=${i}
          busyText="Rolling back…">Roll back to generation ${e}</${f}>
        <button type="button" onClick=${a}>Cancel</button>
      </div>
    </section>
  `}function pr({data:e,reload:t}){let[a,n]=m(null),[r,s]=m([]),[i,l]=m(null),c=e.generations.find(d=>d.current)?.generation,u=d=>s(_=>_.includes(d)?_.filter(g=>g!==d):[..._.slice(-1),d]),[p,$]=[...r].sort((d,_)=>d-_);return o`
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th><span class="sr-only">Compare</span></th>
            <th class="num">#</th>
            <th>Written</th>
            <th class="num">Files</th>
            <th>Cause</th>
            <th><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>${e.generations.map(d=>o`
            <tr data-generation=${d.generation}>
              <td><input type="checkbox" aria-label=${`Compare generation ${d.generation}`}
                checked=${r.includes(d.generation)} onChange=${()=>u(d.generation)} /></td>
              <td class="num">${d.generation}${d.current&&o`
                <span class="badge ok">current</span>
              `}</td>
              <td>${d.created_at?new Date(d.created_at).toLocaleString():""}</td>
              <td class="num">${d.files}</td>
              <td class="hint">${ir(d.cause,e.rollbacks[d.generation])}</td>
              <td class="inline-actions">
                <button type="button" class="link" onClick=${()=>n(d.generation)}
                  aria-label=${`Open generation ${d.generation}`}>Open</button>
                ${!d.current&&c!=null&&o`
                  <button type="button" class="link" onClick=${()=>l(d.generation)}
                    aria-label=${`Roll back to generation ${d.generation}`}>Roll back…</button>
                `}
              </td>
            </tr>
          `)}</tbody>
      </table>
    </div>
    <p class="hint">Tick two generations to see what changed between them.</p>
    ${i&&o`
      <${ur} target=${i} current=${c}
        onClose=${()=>l(null)} onDone=${()=>{l(null),t()}} />
    `}
    ${r.length===2&&o`
      <section class="panel" aria-label="Generation diff">
        <h2>Generation ${p} → ${$}</h2>
        <${an} a=${p} b=${$} />
      </section>
    `}
    ${a&&o`<${cr} n=${a} />`}
  `}function $r(){let{data:e,error:t,reload:a}=S(lr,[]);return o`
    <div class="page-head">
      <h1>Config</h1>
    </div>
    <${dr} onDone=${a} />
    <section class="panel" aria-labelledby="cfg-gens">
      <h2 id="cfg-gens">History (generations)</h2>
      <${y} error=${t} />
      ${e&&(e.generations.length===0?o`<p class="muted">No generation yet: the first apply writes one.</p>`:o`<${pr} data=${e} reload=${a} />`)}
    </section>
  `}P({path:"/config",title:"Config",component:$r});var Ct=e=>e===""?'""':String(e);function fr({s:e,onSaved:t}){let[a,n]=m(e.secret?"":String(e.file_value??e.value)),[r,s]=m(null),i=async()=>{s(null);try{let u=e.type==="int"&&/^-?\d+$/.test(a.trim())?Number(a):a;await h("PUT",`/api/config/settings/${e.name}`,{value:u}),t()}catch(u){s(u)}},l=`set-${e.name}`,c=e.type==="enum"||e.type==="bool"?o`<select id=${l} value=${a} onChange=${u=>n(u.target.value)}>
        ${(e.values??["true","false"]).map(u=>o`<option value=${u}>${u}</option>`)}
      </select>`:o`
      <input id=${l} type=${e.secret?"password":"text"} value=${a}
        placeholder=${e.secret?"new value":""}
        onInput=${u=>n(u.target.value)} />
    `;return o`<div class="row" data-editor=${e.name}>
    <label for=${l} class="sr-only">${e.name}</label>
    ${c}
    <${f} class="primary" onClick=${i} busyText="Saving…">Save</${f}>
    <${y} error=${r} />
  </div>`}function mr({s:e,editing:t,setEditing:a,onSaved:n}){return o`
    <tr data-setting=${e.name} class=${e.restart_needed?"pending":""}>
      <td><code>${e.name}</code><div class="hint">${e.description}</div></td>
      <td data-value>${Ct(e.value)}${e.restart_needed&&o`
        <div class="warning" data-pending>after restart: ${Ct(e.file_value??"(default)")}</div>
      `}</td>
      <td class="muted">${Ct(e.default)}</td>
      <td>${e.source==="environment"?o`<span title=${`fixed by ${e.env}`}>env ${e.env}</span>`:e.source}</td>
      <td>${e.editable?t===e.name?o`<${fr} s=${e} onSaved=${()=>{a(null),n()}} />`:o`<button type="button" onClick=${()=>a(e.name)}>Edit</button>`:o`<span class="muted">fixed by the environment</span>`}</td>
    </tr>
  `}function hr(){let{data:e,error:t,reload:a}=S(()=>h("GET","/api/config/settings"),[]),[n,r]=m(null),[s,i]=m(null),[l,c]=m(null),u=async()=>{c(null);try{i(await h("POST","/api/config/settings/restart"))}catch($){c($)}},p=e?[...new Set(e.settings.map($=>$.group))]:[];return o`
    <div class="page-head">
      <h1>Settings</h1>
    </div>
    <${y} error=${t} />
    ${e&&o`
      <section class="panel" aria-labelledby="set-file">
        <h2 id="set-file">Settings file</h2>
        <p><code>${e.config_file}</code>${!e.config_file_exists&&" (not present yet: defaults)"}.
          Saving writes the value into this file in place; the agent reads it when it starts.</p>
        ${e.restart_pending?o`<div class="warning" role="status" data-restart-pending>
              ${e.settings.filter($=>$.restart_needed).length} setting(s) wait for a restart.
              <${f} onClick=${u} busyText="Restarting…">Restart the agent</${f}>
            </div>`:o`<p class="muted" data-restart-pending="none">Nothing waits for a restart.</p>`}
        <${y} error=${l} />
        ${s&&o`<div class=${s.restarted?"success":"warning"} role="status" data-restart>
          ${s.restarted?`Restarting: ${s.command}`:s.how}</div>`}
      </section>
      ${p.map($=>o`
          <section class="panel" aria-label=${$}>
            <h2>${$}</h2>
            <table class="list">
              <thead>
                <tr>
                  <th>Setting</th>
                  <th>Value</th>
                  <th>Default</th>
                  <th>Source</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>${e.settings.filter(d=>d.group===$).map(d=>o`<${mr} s=${d} editing=${n} setEditing=${r} onSaved=${a} />`)}</tbody>
            </table>
          </section>
        `)}
    `}
  `}P({path:"/settings",title:"Settings",component:hr});function gr({f:e,onDone:t,setError:a}){let n=(r,s)=>async()=>{a(null);try{await h("POST",r,{file:e.file}),R(`${s} ${e.file}`)}catch(i){a(i)}t()};return o`
    <section class="panel" data-drift-file=${e.file}>
      <h2><code>${e.file}</code> <span class="badge warn">${e.status}</span>${e.entity&&o`
          <span class="hint">${e.entity.kind} ${e.entity.name}</span>
        `}</h2>
      <${W} diff=${e.diff} label=${`drift diff ${e.file}`} />
      <div class="actions">
        ${e.absorbable&&o`
          <${f} class="primary" onClick=${n("/api/console/drift/keep","Kept the edit of")} busyText="Keeping…"
            aria-label=${`Keep edit ${e.file}`}>Keep edit</${f}>
        `}
        <${f} onClick=${n("/api/console/drift/undo","Undid the edit of")}
          busyText="Undoing…" aria-label=${`Undo edit ${e.file}`}>Undo edit</${f}>
      </div>
      <p class="hint">${e.absorbable?"Keep edit makes this text the declared state (the form shows it from now on). ":"This file cannot be read back into the state: only Undo edit is offered. "}Undo edit
        puts back what the agent wrote and reloads nginx.</p>
    </section>
  `}function _r(){let{data:e,error:t,reload:a,loading:n}=S(()=>h("GET","/api/config/drift"),[]),[r,s]=m(null);async function i(){if(confirm("Rebuild all: apply pending changes, rewrite every drifted file and reload nginx?")){s(null);try{await h("POST","/api/config/rebuild"),R("Rebuilt every managed file")}catch(l){s(l)}a()}}return o`
    <div class="page-head">
      <h1>Drift</h1>
      <div class="row">
        <${f} onClick=${a} busy=${n} busyText="Checking…">Check now</${f}>
        <${f} class="danger" onClick=${i} busyText="Rebuilding…">Rebuild all</${f}>
      </div>
    </div>
    <${y} error=${t} />
    <${y} error=${r} title="Refused" />
    ${e&&o`
      <p data-drift=${e.ok?"ok":"drifted"}>
        ${e.ok?o`<span class="badge ok">no drift</span> Every managed file is what the agent wrote.`:o`<span class="badge warn">drift</span> ${e.issues.length} problem${e.issues.length===1?"":"s"}.`}
        <span class="hint">Checked ${new Date(e.checked_at).toLocaleString()}, generation ${e.generation??"\u2013"}.</span>
      </p>
      ${e.issues.filter(l=>!e.files.some(c=>l.includes(c.file))).map(l=>o`<div class="warning">${l}</div>`)}
      ${e.files.map(l=>o`
          <${gr} key=${l.file+l.actual_sha256} f=${l} onDone=${a}
            setError=${s} />
        `)}
    `}
  `}P({path:"/drift",title:"Drift",component:_r});var br=new Set(["version","created_at","updated_at"]);function tt(e,t="",a=new Map){if(Array.isArray(e)&&e.length)e.forEach((n,r)=>tt(n,`${t}[${r}]`,a));else if(e&&typeof e=="object"&&!Array.isArray(e)&&Object.keys(e).length)for(let[n,r]of Object.entries(e))!t&&br.has(n)||tt(r,t?`${t}.${n}`:n,a);else a.set(t||"(value)",JSON.stringify(e));return a}function vr(e,t){let a=e==null?new Map:tt(e),n=t==null?new Map:tt(t),r=[],s=0;for(let i of new Set([...a.keys(),...n.keys()]))n.has(i)?a.has(i)?a.get(i)!==n.get(i)?r.push({kind:"chg",text:`~ ${i}: ${a.get(i)} \u2192 ${n.get(i)}`}):s++:r.push({kind:"add",text:`+ ${i}: ${n.get(i)}`}):r.push({kind:"del",text:`- ${i}: ${a.get(i)}`});return{lines:r,same:s}}function nn({before:e,after:t}){let{lines:a,same:n}=vr(e,t);return a.length?o`
    <ul class="diff">
      ${a.map(r=>o`<li class=${r.kind}>${r.text}</li>`)}
    </ul>
    ${n>0&&o`<p class="hint">${n} unchanged field${n===1?"":"s"} not shown.</p>`}
  `:o`<p class="muted">No field changed.</p>`}var on=["entity","action","from","to","page","page_size"];function rn(e){if(!e)return;let t=new Date(e);return Number.isNaN(t.getTime())?e:t.toISOString()}function sn(e){if(!e)return"";let t=new Date(e);if(Number.isNaN(t.getTime()))return"";let a=n=>String(n).padStart(2,"0");return`${t.getFullYear()}-${a(t.getMonth()+1)}-${a(t.getDate())}T${a(t.getHours())}:${a(t.getMinutes())}`}function yr({query:e,error:t}){let[a,n]=m(()=>({entity:e.entity??"",action:e.action??"",from:sn(e.from),to:sn(e.to),page_size:e.page_size??"50"})),r=i=>l=>n(c=>({...c,[i]:l}));function s(i){i.preventDefault(),N("/audit",{...a,from:rn(a.from),to:rn(a.to),page:void 0})}return o`
    <${B.Provider} value=${t}>
      <form class="panel" onSubmit=${s} aria-label="Audit filters">
        <div class="row">
          <${v} field="entity" label="Entity" value=${a.entity} onValue=${r("entity")}
            placeholder="site or site/web" />
          <${v} field="action" label="Action" value=${a.action} onValue=${r("action")}
            placeholder="site.put, apply, ..." />
          <${v} field="from" label="From" type="datetime-local" value=${a.from}
            onValue=${r("from")} />
          <${v} field="to" label="To" type="datetime-local" value=${a.to}
            onValue=${r("to")} />
          <${v} as="select" field="page_size" label="Per page" value=${a.page_size}
            onValue=${r("page_size")}>
            ${["20","50","100","200"].map(i=>o`<option value=${i}>${i}</option>`)}
          </${v}>
          <div class="inline-actions">
            <button type="submit" class="primary">Filter</button>
            <a href="#/audit">Clear</a>
          </div>
        </div>
      </form>
    </${B.Provider}>
  `}function kr({e}){return o`
    <tr data-audit=${e.id}>
      <td class="mono">${new Date(e.at).toLocaleString()}</td>
      <td>${e.actor}</td>
      <td><code>${e.action}</code></td>
      <td><a href=${Z("/audit",{entity:`${e.entity.kind}/${e.entity.name}`})}>${e.entity.kind}/${e.entity.name}</a></td>
      <td>
        <${ce} status=${e.outcome} />
      </td>
      <td>
        ${e.message&&o`<div>${e.message}</div>`}
        <details>
          <summary>${e.detail?.diff?"File diff":"Changes"}${e.generation!=null?` (generation ${e.generation})`:""}</summary>
          ${e.detail?.diff?o`<${W} diff=${e.detail.diff} label=${`audit diff ${e.id}`} />`:e.before!=null||e.after!=null?o`<${nn} before=${e.before} after=${e.after} />`:o`<p class="muted">No record changed.</p>`}
          ${e.nginx_output&&o`<pre>${e.nginx_output}</pre>`}
        </details>
      </td>
    </tr>
  `}function wr({route:e}){let t=e.query,a=on.map(l=>t[l]??"").join("|"),{data:n,error:r}=S(()=>{let l=new URLSearchParams(Object.entries(t).filter(([c,u])=>on.includes(c)&&u));return h("GET",`/api/audit${l.size?`?${l}`:""}`)},[a]),s=Number(t.page||1),i=l=>Z("/audit",{...t,page:l>1?String(l):void 0});return o`
    <div class="page-head">
      <h1>Audit</h1>
    </div>
    <${yr} key=${a} query=${t} error=${r} />
    <${y} error=${r} />
    ${n&&o`
      <section class="panel table-wrap">
        ${n.entries.length===0?o`<p class="muted">No entries match.</p>`:o`
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Entity</th>
                <th>Outcome</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>${n.entries.map(l=>o`<${kr} key=${l.id} e=${l} />`)}</tbody>
          </table>
        `}
        <nav class="actions" aria-label="Audit pages">
          ${s>1&&o`<a class="button" href=${i(s-1)}>← Newer</a>`}
          <span class="muted">Page ${s}</span>
          ${n.has_more&&o`<a class="button" href=${i(s+1)}>Older →</a>`}
        </nav>
      </section>
    `}
  `}P({path:"/audit",title:"Audit",component:wr});var ln=2e3;function xr({source:e,q:t}){let[a,n]=m([]),[r,s]=m(null),[i,l]=m(null),[c,u]=m(!1),p=q(0),$=q(null),d=g=>new URLSearchParams({lines:"500",...t?{q:t}:{},...g});L(()=>{let g=!0;return p.current=0,n([]),h("GET",`/api/console/logs/${b(e)}?${d({})}`).then(k=>{g&&(p.current=k.offset,s(k),n(k.lines.slice(-ln)))},l),()=>g=!1},[e,t]),L(()=>{if(!c)return;let g=setInterval(async()=>{try{let k=await h("GET",`/api/console/logs/${b(e)}?${d({after:String(p.current)})}`);p.current=k.offset,k.lines.length&&n(x=>[...x,...k.lines].slice(-ln))}catch(k){l(k)}},2e3);return()=>clearInterval(g)},[c,e,t]),L(()=>{c&&$.current&&($.current.scrollTop=$.current.scrollHeight)},[a,c]);let _=`/api/console/logs/${b(e)}?${d({download:"1",lines:"5000"})}`;return o`
    <${y} error=${i} />
    <div class="row">
      <label class="check"><input type="checkbox" checked=${c} onChange=${g=>u(g.currentTarget.checked)} /> Follow</label>
      <a class="button" href=${_} download>Download</a>
      ${r&&o`
        <span
          class="hint"><code>${r.path}</code>${r.missing?" does not exist (yet)":""}${r.truncated?" \xB7 older lines not shown":""} · ${a.length} line${a.length===1?"":"s"}</span>
      `}
    </div>
    <pre class="log-lines" ref=${$} data-log=${e}>${a.join(`
`)||"(nothing to show)"}</pre>
  `}function Sr({route:e}){let{data:t,error:a}=S(()=>h("GET","/api/console/logs"),[]),n=e.query.source||"nginx-error",r=e.query.q||"",[s,i]=m(r);return o`
    <div class="page-head">
      <h1>Logs</h1>
    </div>
    <${y} error=${a} />
    ${t&&o`
      <form class="panel row" onSubmit=${l=>{l.preventDefault(),N("/logs",{source:n,q:s})}}>
        <div class="field">
          <label for="log-source">Log</label>
          <select id="log-source" value=${n} onChange=${l=>N("/logs",{source:l.currentTarget.value,q:r})}>
            ${t.sources.map(l=>o`<option value=${l.id}>${l.label}</option>`)}
          </select>
        </div>
        <div class="field grow">
          <label for="log-q">Filter</label>
          <input id="log-q" type="search" value=${s} onInput=${l=>i(l.currentTarget.value)}
            placeholder="text the lines must contain" />
        </div>
        <div class="inline-actions"><button type="submit">Filter</button></div>
      </form>
      <section class="panel">
        <${xr} key=${n+"|"+r} source=${n} q=${r} />
      </section>
    `}
  `}P({path:"/logs",title:"Logs",component:Sr});function Tr(){let{data:e,error:t,reload:a}=S(async()=>{let[g,k]=await Promise.all([h("GET","/api/tenants"),h("GET","/api/tokens")]);return{tenants:g.tenants,tokens:k.tokens}},[]),[n,r]=m({name:"",domains:""}),[s,i]=m({name:"",tenant:"",role:"viewer",expires:"30d"}),[l,c]=m(null),[u,p]=m(null),$=g=>async()=>{p(null);try{await g()}catch(k){p(k)}await a()};if(!H("admin"))return o`
      <h1>Access</h1>
      <p>Only an admin manages tenants and tokens.</p>
    `;let d=$(async()=>{let g=n.domains.split(/[\s,]+/).filter(Boolean);await h("PUT",`/api/tenants/${b(n.name)}`,{domains:g}),r({name:"",domains:""})}),_=$(async()=>{let g={role:s.role,name:s.name||"token"};s.tenant&&(g.tenant=s.tenant),s.expires&&(g.expires=s.expires);let k=await h("POST","/api/tokens",g);c(k)});return o`
    <h1>Access</h1>
    <${y} error=${t||u} />
    <section class="panel">
      <h2>Tenants</h2>
      ${e&&o`
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Domains</th>
              <th><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${e.tenants.map(g=>o`
                <tr>
                  <td>${g.name}</td>
                  <td>${g.domains.join(", ")}</td>
                  <td>
                    <${f} class="danger" aria-label=${`Delete tenant ${g.name}`}
                      onClick=${$(()=>h("DELETE",`/api/tenants/${b(g.name)}`))}>Delete</${f}></td>
                </tr>
              `)}
          </tbody>
        </table>
      `}
      <form onSubmit=${g=>(g.preventDefault(),d())}>
        <label for="tenant-name">Tenant name</label>
        <input id="tenant-name" value=${n.name} onInput=${g=>r({...n,name:g.target.value})} />
        <label for="tenant-domains">Domains (tenant-a.example, *.tenant-a.example)</label>
        <input id="tenant-domains" value=${n.domains} onInput=${g=>r({...n,domains:g.target.value})} />
        <${f} type="submit" class="primary">Save tenant</${f}>
      </form>
    </section>
    <section class="panel">
      <h2>Tokens</h2>
      ${l&&o`
        <p class="notice"
          role="status">Token ${l.name}: <code>${l.token}</code> — shown once, store it now.</p>
      `}
      ${e&&o`
        <table>
          <thead>
            <tr>
              <th>Id</th>
              <th>Name</th>
              <th>Tenant</th>
              <th>Role</th>
              <th>Status</th>
              <th>Expires</th>
              <th><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${e.tokens.map(g=>o`
                <tr>
                  <td><code>${g.id}</code></td>
                  <td>${g.name}</td>
                  <td>${g.tenant??"*"}</td>
                  <td>${g.role}</td>
                  <td>${g.status}</td>
                  <td>${g.expires_at??"never"}</td>
                  <td>${g.status==="active"&&o`
                    <${f} class="danger" aria-label=${`Revoke token ${g.name}`}
                      onClick=${$(()=>h("DELETE",`/api/tokens/${b(g.id)}`))}>Revoke</${f}>
                  `}</td>
                </tr>
              `)}
          </tbody>
        </table>
      `}
      <form onSubmit=${g=>(g.preventDefault(),_())}>
        <label for="token-name">Token name</label>
        <input id="token-name" value=${s.name} onInput=${g=>i({...s,name:g.target.value})} />
        <label for="token-tenant">Tenant (empty: admin of everything)</label>
        <input id="token-tenant" value=${s.tenant} onInput=${g=>i({...s,tenant:g.target.value})} />
        <label for="token-role">Role</label>
        <select id="token-role" value=${s.role} onChange=${g=>i({...s,role:g.target.value})}>
          <option value="viewer">viewer</option>
          <option value="operator">operator</option>
          <option value="admin">admin</option>
        </select>
        <label for="token-expires">Expires after (30d, 12h; empty: never)</label>
        <input id="token-expires" value=${s.expires} onInput=${g=>i({...s,expires:g.target.value})} />
        <${f} type="submit" class="primary">Create token</${f}>
      </form>
    </section>
  `}P({path:"/access",title:"Access",component:Tr,admin:!0});var Dt=e=>e?new Date(e).toLocaleString():"\u2013",Er={ok:["ok","ok"],behind:["warn","behind"],held:["warn","held"],failed:["bad","failed"],no_status:["bad","no status"],unregistered:["warn","fenced"]},Pr={behind:"has not applied the current generation yet",held:"waits for the canary on another node to be promoted",no_status:"registered, but its status lease expired: down or cut off from etcd",unregistered:"fenced, but still reporting; not waited for until it restarts"};function Cr({node:e,onDone:t,onKeep:a}){let[n,r]=m(null);async function s(){r(null);try{await h("DELETE",`/api/fleet/nodes/${b(e)}`),R(`Fenced ${e}`),await t()}catch(i){r(i)}}return o`
    <section class="warning" role="dialog" aria-modal="false" aria-labelledby="fence-head"
      data-fence-confirm=${e}>
      <h3 id="fence-head">Fence ${e}?</h3>
      <p>Its registration and status leave etcd: writes with <code>?wait=applied</code> and
        migration barriers stop waiting for it. Fence only a node that is down for good or cut off:
        a partitioned gateway may still serve its old configuration. If it is still running it shows
        as fenced until it restarts, which registers it again.</p>
      <${y} error=${n} title="Refused" />
      <div class="actions">
        <${f} class="danger" onClick=${s}
          busyText="Fencing…">Fence ${e}</${f}>
        <${f} onClick=${a}>Keep it</${f}>
      </div>
    </section>
  `}function Dr({c:e,onDone:t}){if(!e)return null;async function a(){try{await h("POST","/api/fleet/canary/abort",{reason:"aborted from the web UI"}),R(`Aborted the canary on ${e.node}`)}catch(n){R(`Abort refused: ${n.message}`)}await t()}return e.state!=="running"?o`<p data-canary=${e.state}>Last canary on <strong>${e.node}</strong>: ${e.state}
      ${Dt(e.ended_at)}: ${e.reason}</p>`:o`
    <p data-canary="running">
      <span class="badge warn">canary</span> Generation ${e.generation??"(being written)"} is live
      on <strong>${e.node}</strong> only; the other nodes hold at ${e.base_generation} until it stays
      healthy ${e.hold_s} s (${e.healthy_since?`healthy since ${Dt(e.healthy_since)}`:"not yet healthy"}).
      ${" "}<${f} class="danger" onClick=${a} busyText="Aborting…">Abort canary</${f}>
    </p>
  `}function Lr({n:e,etcd:t,onFence:a}){let[n,r]=Er[e.state]??["warn",e.state];return o`
    <tr data-node=${e.name}>
      <td>${[e.name,e.this&&"(this node)",e.controller&&"(controller)"].filter(Boolean).join(" ")}</td>
      <td><span class=${`badge ${n}`} title=${Pr[e.state]??""}>${r}</span></td>
      <td>${e.applied_generation??"\u2013"}</td>
      <td>${e.lag??"\u2013"}</td>
      <td>${Dt(e.reported_at)}</td>
      <td class="err">${e.error??""}</td>
      <td>${t&&o`
        <${f} class="danger" aria-label=${`Fence ${e.name}`} onClick=${()=>a(e.name)}>Fence…</${f}>
      `}</td>
    </tr>
  `}function Rr(){let{data:e,error:t,reload:a}=S(()=>h("GET","/api/fleet"),[]),[n,r]=m(null);if(ue(a,3e3,H("admin")&&!n),!H("admin"))return o`
      <h1>Fleet</h1>
      <p>Only an admin sees the fleet.</p>
    `;let s=e?.store==="etcd";return o`
    <div class="page-head">
      <h1>Fleet</h1>
    </div>
    <${y} error=${t} />
    ${e&&o`
      <p data-fleet=${e.store}>
        ${s?o`Cluster <strong>${e.cluster}</strong>, generation ${e.generation}. ${e.stale?o`<span class="badge warn">stale</span> This node is out of touch with etcd
                (${e.stale_reason}): what it shows may be behind.`:""}`:o`This agent is not in a fleet (<code>store = "kv"</code>): the fleet is this node.`}
      </p>
      <${Dr} c=${e.canary} onDone=${a} />
      ${n&&o`
        <${Cr} node=${n} onKeep=${()=>r(null)} onDone=${async()=>{r(null),await a()}} />
      `}
      <section class="panel table-wrap" aria-labelledby="fleet-nodes">
        <h2 id="fleet-nodes">Nodes</h2>
        <table>
          <thead>
            <tr>
              <th>Node</th>
              <th>Health</th>
              <th>Generation</th>
              <th>Lag</th>
              <th>Last seen</th>
              <th>Last error</th>
              <th><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${e.nodes.map(i=>o`<${Lr} key=${i.name} n=${i} etcd=${s} onFence=${r} />`)}
          </tbody>
        </table>
      </section>
    `}
  `}P({path:"/fleet",title:"Fleet",component:Rr,admin:!0});function dn(){let e=Da(),[t,a]=m(!1),n=ft(e.segments),r=n?n.page.title:"Not found";L(()=>{document.title=`${r} \xB7 Switchyard`,a(!1)},[r,e.path]);let s=n?.page.component;return o`
    <a class="skip-link" href="#main" onClick=${i=>{i.preventDefault(),document.getElementById("main")?.focus()}}>Skip to content</a>
    <header class="topbar">
      <a class="brand" href="#/">Switchyard</a>
      <button type="button" class="menu-toggle" aria-expanded=${t?"true":"false"}
        aria-controls="main-nav" onClick=${()=>a(!t)}>Menu</button>
      <nav aria-label="Main" id="main-nav" class=${t?"open":""} onClick=${i=>{i.target.closest?.("a")&&a(!1)}}>
        ${me.filter(i=>i.nav&&(!i.admin||H("admin"))).map(i=>o`
            <a href=${Z(i.path)} aria-current=${n?.page===i?"page":void 0}>${i.title}</a>
          `)}
      </nav>
      ${he().token&&o`
        <span class="muted who">${he().token.name} · ${he().role}${he().tenant?` \xB7 ${he().tenant}`:""}</span>
      `}
      <form method="post" action="/logout">
        <button type="submit">Log out</button>
      </form>
    </header>
    <main class="page" id="main" tabindex="-1">
      ${s?o`<${s} key=${n.page.path} route=${{...e,rest:n.rest}} />`:o`
          <h1>Not found</h1>
          <p>No page at <code>${e.path}</code>. <a href="#/">Dashboard</a></p>
        `}
    </main>
    <${ga} />
  `}var cn=document.getElementById("app");await _a();cn.textContent="";Kt(o`<${dn} />`,cn);
